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
from connectors.salesforce.settings import client_credentials_refused_at, my_domain_needed


class MissingCredential(ValueError):
    """Live mode, but a source's credential is missing or unusable: the message names the environment variable."""


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
    deletion_sweep_days: int = 0  # HUBSPOT_DELETION_SWEEP_DAYS: how often to look for traceless deletions

    @abstractmethod
    def connector_settings(self) -> HubSpotSettings: ...

    def sync_options(self) -> dict:
        return super().sync_options() | {
            "extra_contact_properties": tuple(self.extra_contact_properties),
            "extra_deal_properties": tuple(self.extra_deal_properties),
            "deletion_sweep_interval": timedelta(days=self.deletion_sweep_days),
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
    extra_fields: list[str] = []  # "SObject.Field", kept when an object has too many fields for one query

    @abstractmethod
    def connector_settings(self) -> SalesforceSettings: ...

    def sync_options(self) -> dict:
        return super().sync_options() | {"api_version": self.api_version, "extra_fields": tuple(self.extra_fields)}


class LiveSalesforce(SalesforceSource):
    """A Salesforce org, through a connected app (SALESFORCE_CLIENT_ID/SECRET, optional USERNAME/PASSWORD).

    Without SALESFORCE_USERNAME the client-credentials flow is used, which needs SALESFORCE_LOGIN_URL to be
    the org's My Domain URL. The username-password flow (SALESFORCE_USERNAME/PASSWORD/SECURITY_TOKEN) still
    works where the org allows it, but Salesforce deprecates it and blocks it by default since Summer '23.
    """

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
        if not self.username and client_credentials_refused_at(self.login_url):
            raise MissingCredential(
                "Salesforce: SALESFORCE_USERNAME is not set, so the client-credentials flow is used, and "
                + my_domain_needed(self.login_url, "SALESFORCE_LOGIN_URL"))
        return SalesforceSettings(
            client_id=self.client_id,
            client_secret=self.client_secret,
            username=self.username,
            password=self.password,
            security_token=self.security_token or "",
            login_url=self.login_url,
            **self.sync_options(),
        )
