"""Salesforce connector: Lead, LeadHistory, Contact, Opportunity, OpportunityHistory, OpportunityContactRole, User."""

from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.sync import STREAMS, sync_salesforce

__all__ = ["STREAMS", "SalesforceSettings", "sync_salesforce"]
