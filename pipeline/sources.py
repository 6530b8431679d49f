"""The two sources as the raw assets use them: one interface each, a live implementation here.

An asset asks its source resource for the connector settings (the connectors claim the origin the
warehouse is tied to themselves: the portal, the org); whether the settings reach the real service or
the recorded fixtures is decided once, where the resources are bound (pipeline/definitions.py). The
recorded implementations are in pipeline/recorded.py.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import timedelta

from dagster import ConfigurableResource

from connectors.hubspot import HubSpotSettings
from connectors.salesforce import SalesforceSettings


class MissingCredential(ValueError):
    """Live mode, but a source's credential is missing: the message names the environment variable."""


class SourceResource(ConfigurableResource, ABC):
    """A source as a raw asset uses it: the connector's settings."""

    overlap_minutes: int = 10
    max_retries: int = 5

    @abstractmethod
    def connector_settings(self) -> HubSpotSettings | SalesforceSettings: ...

    def sync_options(self) -> dict:
        return {"overlap": timedelta(minutes=self.overlap_minutes), "max_retries": self.max_retries}


class HubSpotSource(SourceResource):
    """HubSpot contacts, deals and pipelines (a portal)."""

    extra_contact_properties: list[str] = []
    extra_deal_properties: list[str] = []

    @abstractmethod
    def connector_settings(self) -> HubSpotSettings: ...

    def sync_options(self) -> dict:
        return super().sync_options() | {
            "extra_contact_properties": tuple(self.extra_contact_properties),
            "extra_deal_properties": tuple(self.extra_deal_properties),
        }


class LiveHubSpot(HubSpotSource):
    """A HubSpot portal, through a private app's access token (HUBSPOT_ACCESS_TOKEN)."""

    access_token: str | None = None
    base_url: str | None = None

    def connector_settings(self) -> HubSpotSettings:
        if not self.access_token:
            raise MissingCredential("HubSpot: set HUBSPOT_ACCESS_TOKEN (a private app access token)")
        return HubSpotSettings(access_token=self.access_token, base_url=self.base_url, **self.sync_options())


class SalesforceSource(SourceResource):
    """Salesforce leads, their history and opportunities (an org)."""

    api_version: str = "59.0"

    @abstractmethod
    def connector_settings(self) -> SalesforceSettings: ...

    def sync_options(self) -> dict:
        return super().sync_options() | {"api_version": self.api_version}


class LiveSalesforce(SalesforceSource):
    """A Salesforce org, through a connected app (SALESFORCE_CLIENT_ID/SECRET, optional USERNAME/PASSWORD)."""

    client_id: str | None = None
    client_secret: str | None = None
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    login_url: str = "https://login.salesforce.com"

    def connector_settings(self) -> SalesforceSettings:
        for name, value in (("SALESFORCE_CLIENT_ID", self.client_id), ("SALESFORCE_CLIENT_SECRET", self.client_secret)):
            if not value:
                raise MissingCredential(f"Salesforce: set {name} (the connected app's OAuth credentials)")
        return SalesforceSettings(
            client_id=self.client_id,
            client_secret=self.client_secret,
            username=self.username,
            password=self.password,
            security_token=self.security_token or "",
            login_url=self.login_url,
            **self.sync_options(),
        )
