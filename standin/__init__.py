"""The recorded-fixture stand-in for HubSpot and Salesforce: test equipment, not production code."""
