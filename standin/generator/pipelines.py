"""Deal pipelines (HubSpot) and opportunity stages (Salesforce), with their closed/won semantics."""

from __future__ import annotations

from dataclasses import dataclass

from standin.generator.formats import hubspot_time, parse_epoch

_PIPELINES_CREATED = parse_epoch("2023-04-03T01:00:00Z")
_PARTNER_PIPELINE_CREATED = parse_epoch("2024-02-13T05:30:00Z")


@dataclass(frozen=True)
class DealStage:
    id: str
    label: str
    probability: str
    closed: bool = False
    won: bool = False


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: tuple[DealStage, ...]
    created: int

    @property
    def open_stages(self) -> tuple[DealStage, ...]:
        return tuple(stage for stage in self.stages if not stage.closed)

    def closing_stage(self, won: bool) -> DealStage:
        return next(stage for stage in self.stages if stage.closed and stage.won == won)


DEFAULT_PIPELINE = Pipeline("default", "営業パイプライン", (
    DealStage("appointmentscheduled", "アポイント設定済み", "0.2"),
    DealStage("qualifiedtobuy", "購入見込みあり", "0.4"),
    DealStage("presentationscheduled", "プレゼン予定", "0.6"),
    DealStage("decisionmakerboughtin", "意思決定者の賛同", "0.8"),
    DealStage("contractsent", "契約書送付済み", "0.9"),
    DealStage("closedwon", "成約", "1.0", closed=True, won=True),
    DealStage("closedlost", "不成約", "0.0", closed=True),
), _PIPELINES_CREATED)
PARTNER_PIPELINE = Pipeline("2849331", "パートナー経由", (
    DealStage("2849332", "パートナー紹介", "0.2"),
    DealStage("2849333", "初回商談", "0.4"),
    DealStage("2849334", "見積提示", "0.6"),
    DealStage("2849335", "契約交渉", "0.8"),
    DealStage("2849336", "受注", "1.0", closed=True, won=True),
    DealStage("2849337", "失注", "0.0", closed=True),
), _PARTNER_PIPELINE_CREATED)
PIPELINES = (DEFAULT_PIPELINE, PARTNER_PIPELINE)


@dataclass(frozen=True)
class OpportunityStage:
    name: str
    probability: float
    forecast_category: str
    closed: bool = False
    won: bool = False
    hubspot_stage: str = ""  # the default-pipeline stage an integration-mirrored deal shows


OPPORTUNITY_STAGES = (
    OpportunityStage("Prospecting", 10.0, "Pipeline", hubspot_stage="appointmentscheduled"),
    OpportunityStage("Qualification", 20.0, "Pipeline", hubspot_stage="qualifiedtobuy"),
    OpportunityStage("Needs Analysis", 40.0, "Pipeline", hubspot_stage="presentationscheduled"),
    OpportunityStage("Proposal/Price Quote", 75.0, "BestCase", hubspot_stage="decisionmakerboughtin"),
    OpportunityStage("Negotiation/Review", 90.0, "Commit", hubspot_stage="contractsent"),
    OpportunityStage("Closed Won", 100.0, "Closed", closed=True, won=True, hubspot_stage="closedwon"),
    OpportunityStage("Closed Lost", 0.0, "Omitted", closed=True, hubspot_stage="closedlost"),
)
OPEN_OPPORTUNITY_STAGES = tuple(stage for stage in OPPORTUNITY_STAGES if not stage.closed)
OPPORTUNITY_STAGE_BY_NAME = {stage.name: stage for stage in OPPORTUNITY_STAGES}


def closing_opportunity_stage(won: bool) -> OpportunityStage:
    return OPPORTUNITY_STAGES[5] if won else OPPORTUNITY_STAGES[6]


def pipelines_body() -> dict:
    """The body of GET /crm/v3/pipelines/deals."""
    return {"results": [_pipeline_json(order, pipeline) for order, pipeline in enumerate(PIPELINES)]}


def _pipeline_json(order: int, pipeline: Pipeline) -> dict:
    created = hubspot_time(pipeline.created)
    stages = [
        {"id": stage.id, "label": stage.label, "displayOrder": position,
         "metadata": {"isClosed": "true" if stage.closed else "false", "probability": stage.probability},
         "createdAt": created, "updatedAt": created, "archived": False}
        for position, stage in enumerate(pipeline.stages)
    ]
    return {"id": pipeline.id, "label": pipeline.label, "displayOrder": order, "stages": stages,
            "createdAt": created, "updatedAt": created, "archived": False}
