"""Source connectors (HubSpot, Salesforce) and the loopback fixture API that stands in for them."""
