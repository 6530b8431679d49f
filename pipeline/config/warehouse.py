"""The `warehouse` section of kpi.yaml."""

from pydantic import BaseModel, ConfigDict


class WarehouseConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
