"""A loopback HTTP(S) server that serves a recorded dataset with HubSpot's and Salesforce's API semantics."""
