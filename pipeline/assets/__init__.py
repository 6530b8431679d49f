"""Assets of the weekly KPI pipeline, by group: hubspot, salesforce, warehouse, reporting."""
