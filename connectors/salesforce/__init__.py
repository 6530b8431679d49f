"""Salesforce connector: Lead, LeadHistory, Opportunity, OpportunityHistory into raw_salesforce."""

from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.sync import STREAMS, sync_salesforce

__all__ = ["STREAMS", "SalesforceSettings", "sync_salesforce"]
