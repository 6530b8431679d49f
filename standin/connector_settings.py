"""Connector settings that point the real connectors at a running fixture API."""

from __future__ import annotations

from connectors.hubspot import HubSpotSettings
from connectors.salesforce import SalesforceSettings
from standin.api.server import FixtureAPI


def hubspot_settings(api: FixtureAPI, **options) -> HubSpotSettings:
    return HubSpotSettings(api.credentials.hubspot_token, base_url=api.base_url, ca_file=api.ca_file, **options)


def salesforce_settings(api: FixtureAPI, **options) -> SalesforceSettings:
    credentials = api.credentials
    return SalesforceSettings(
        client_id=credentials.salesforce_client_id,
        client_secret=credentials.salesforce_client_secret,
        username=credentials.salesforce_username,
        password=credentials.salesforce_password,
        security_token=credentials.salesforce_security_token,
        login_url=api.base_url,
        ca_file=api.ca_file,
        **options,
    )
