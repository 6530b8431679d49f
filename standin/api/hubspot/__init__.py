"""HubSpot CRM v3/v4 as the stand-in serves it."""
