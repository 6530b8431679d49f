"""SOQL subset: parsing, evaluation against records, and Salesforce's exact error texts."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from standin.api.dataset import DatasetError
from standin.api.salesforce.query import run_query
from standin.api.salesforce.schema import FieldInfo, infer_fields
from standin.api.salesforce.soql import (
    BoolOp,
    Comparison,
    Literal,
    Name,
    Not,
    OrderItem,
    SoqlError,
    parse,
)
from standin.api.salesforce.table import tables_of


def lead(lead_id, status, created, converted=None, amount=None, deleted=False, email=None):
    return {"attributes": {"type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{lead_id}"},
            "Id": lead_id, "Email": email, "Status": status, "CreatedDate": created,
            "ConvertedDate": converted, "AnnualRevenue": amount, "IsConverted": converted is not None,
            "IsDeleted": deleted}


LEADS = [
    lead("00Q000000000000001", "Open", "2025-01-05T23:30:00.000+0000", amount=100.0,
         email="o'brien@example.com"),
    lead("00Q000000000000002", "Working", "2025-01-06T00:00:00.000+0000", amount=250.5),
    lead("00Q000000000000003", "Qualified", "2025-01-06T09:15:00.000+0000", converted="2025-01-20"),
    lead("00Q000000000000004", "working", "2025-01-07T12:00:00.000+0000", amount=50.0),
    lead("00Q000000000000005", "Open", "2025-01-08T08:00:00.000+0000", deleted=True),
    lead("00Q000000000000006", None, "2025-01-09T08:00:00.000+0000", converted="2025-01-10", amount=250.5),
]
SOBJECTS = tables_of({"Lead": LEADS, "LeadHistory": []})


def ids(soql, include_deleted=False):
    return [row["Id"][-1] for row in run_query(parse(soql), SOBJECTS, include_deleted).records]


def error_of(soql):
    with pytest.raises(SoqlError) as caught:
        run_query(parse(soql), SOBJECTS, False)
    return caught.value.error_code, caught.value.message


def test_parse_builds_the_whole_tree():
    query = parse("select Id, status FROM Lead where NOT (Status = 'Open' or AnnualRevenue >= 10.5) "
                  "and Id not in ('a', 'b') order by CreatedDate desc nulls last, Id limit 7")
    assert query.fields == (Name("Id", 7), Name("status", 11))
    assert query.sobject == Name("Lead", 23)
    assert query.where == BoolOp("AND", (
        Not(BoolOp("OR", (
            Comparison(Name("Status", 39), "=", (Literal("string", "Open", 48),)),
            Comparison(Name("AnnualRevenue", 58), ">=", (Literal("number", Decimal("10.5"), 75),)),
        ))),
        Comparison(Name("Id", 85), "NOT IN", (Literal("string", "a", 96), Literal("string", "b", 101))),
    ))
    assert query.order_by == (OrderItem(Name("CreatedDate", 115), descending=True, nulls_last=True),
                              OrderItem(Name("Id", 144)))
    assert query.limit == 7
    assert not query.is_count


def test_literals_of_every_kind():
    query = parse("SELECT Id FROM Lead WHERE Id IN ('it\\'s\\n', -3, true, FALSE, null, 2025-01-06, "
                  "2025-01-06T09:00:00+09:00, 2025-01-06T00:00:00.000+0000, 2025-01-06T00:00:00Z)")
    values = [(literal.kind, literal.value) for literal in query.where.values]
    midnight = datetime(2025, 1, 6, tzinfo=UTC)
    assert values == [("string", "it's\n"), ("number", Decimal(-3)), ("boolean", True), ("boolean", False),
                      ("null", None), ("date", date(2025, 1, 6)), ("datetime", midnight),
                      ("datetime", midnight), ("datetime", midnight)]


def test_select_list_and_object_resolve_case_insensitively_to_canonical_names():
    selection = run_query(parse("SELECT id, EMAIL, status FROM lead WHERE id = '00Q000000000000001'"),
                          SOBJECTS, False)
    assert selection.sobject == "Lead"
    assert selection.fields == ("Id", "Email", "Status")
    assert [row["Id"] for row in selection.records] == ["00Q000000000000001"]


def test_query_hides_deleted_rows_and_query_all_returns_them():
    assert ids("SELECT Id FROM Lead") == list("12346")
    assert ids("SELECT Id FROM Lead", include_deleted=True) == list("123456")
    assert ids("SELECT Id FROM Lead WHERE IsDeleted = true", include_deleted=True) == ["5"]


def test_datetimes_compare_as_instants_whatever_the_offset():
    assert ids("SELECT Id FROM Lead WHERE CreatedDate >= 2025-01-06T00:00:00Z") == list("2346")
    assert ids("SELECT Id FROM Lead WHERE CreatedDate >= 2025-01-06T00:00:00.000+0000") == list("2346")
    assert ids("SELECT Id FROM Lead WHERE CreatedDate > 2025-01-06T09:00:00+09:00") == list("346")
    assert ids("SELECT Id FROM Lead WHERE CreatedDate <= 2025-01-06T08:30:00.000+0900") == ["1"]
    assert ids("SELECT Id FROM Lead WHERE CreatedDate < 2025-01-06T08:30:00.000+0900") == []


def test_dates_numbers_and_booleans():
    assert ids("SELECT Id FROM Lead WHERE ConvertedDate <= 2025-01-10") == ["6"]
    assert ids("SELECT Id FROM Lead WHERE ConvertedDate != null") == ["3", "6"]
    assert ids("SELECT Id FROM Lead WHERE AnnualRevenue = 250.5") == ["2", "6"]
    assert ids("SELECT Id FROM Lead WHERE AnnualRevenue > 99") == ["1", "2", "6"]
    assert ids("SELECT Id FROM Lead WHERE IsConverted = TRUE") == ["3", "6"]


def test_string_comparison_is_case_blind_and_not_equal_keeps_nulls():
    assert ids("SELECT Id FROM Lead WHERE Status = 'WORKING'") == ["2", "4"]
    assert ids("SELECT Id FROM Lead WHERE Status != 'working'") == ["1", "3", "6"]
    assert ids("SELECT Id FROM Lead WHERE Status <> 'working' AND Status != null") == ["1", "3"]
    assert ids("SELECT Id FROM Lead WHERE Email = 'O\\'Brien@example.com'") == ["1"]


def test_in_not_in_not_and_parentheses():
    assert ids("SELECT Id FROM Lead WHERE Status IN ('open', 'qualified')") == ["1", "3"]
    assert ids("SELECT Id FROM Lead WHERE Status NOT IN ('open', 'qualified')") == ["2", "4", "6"]
    assert ids("SELECT Id FROM Lead WHERE NOT Status = 'Open'") == ["2", "3", "4", "6"]
    assert ids("SELECT Id FROM Lead WHERE (Status = 'Open' OR AnnualRevenue = 50) AND NOT "
               "(CreatedDate > 2025-01-07T00:00:00Z AND Status = 'Open')") == ["1", "4"]


def test_order_by_puts_nulls_first_by_default_and_sorts_case_blind():
    assert ids("SELECT Id FROM Lead ORDER BY AnnualRevenue") == ["3", "4", "1", "2", "6"]
    assert ids("SELECT Id FROM Lead ORDER BY AnnualRevenue DESC") == ["3", "2", "6", "1", "4"]
    assert ids("SELECT Id FROM Lead ORDER BY AnnualRevenue DESC NULLS LAST, Id DESC") == list("62143")
    assert ids("SELECT Id FROM Lead ORDER BY Status ASC NULLS LAST, CreatedDate DESC") == list("13426")


def test_limit_applies_after_ordering_and_count_counts():
    assert ids("SELECT Id FROM Lead ORDER BY CreatedDate DESC LIMIT 2") == ["6", "4"]
    count = run_query(parse("select count() from Lead where Status = 'open'"), SOBJECTS, True)
    assert (count.fields, len(count.records)) == ((), 2)


def test_malformed_queries_answer_salesforce_error_texts():
    assert error_of("SELECT Id FRM Lead") == (
        "MALFORMED_QUERY",
        "\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'")
    assert error_of("SELECT Id FROM Lead WHERE Status = 'a' AND Id = 'b' OR Id = 'c'") == (
        "MALFORMED_QUERY", "\nSELECT Id FROM Lead WHERE Status = 'a' AND Id = 'b' OR Id = 'c'\n"
                           + " " * 52 + "^\nERROR at Row:1:Column:53\nunexpected token: 'OR'")
    assert error_of("SELECT Id FROM Lead WHERE Status = 'open") == (
        "MALFORMED_QUERY", "\nSELECT Id FROM Lead WHERE Status = 'open\n" + " " * 35
                           + "^\nERROR at Row:1:Column:36\nno viable alternative at character '''")
    assert error_of("SELECT Id,\n  Id FROM Lead") == (
        "MALFORMED_QUERY", "\n  Id FROM Lead\n  ^\nERROR at Row:2:Column:3\nduplicate field selected: Id")
    assert error_of("SELECT Id FROM Lead LIMIT") == (
        "MALFORMED_QUERY", "\nSELECT Id FROM Lead LIMIT\n" + " " * 25
                           + "^\nERROR at Row:1:Column:26\nunexpected token: '<EOF>'")
    assert error_of(r"SELECT Id FROM Lead WHERE Email = 'a\qb'")[1].endswith(
        "Invalid string literal 'a\\qb'. Illegal character sequence '\\q' in string literal.")


def test_unknown_fields_objects_and_mistyped_values():
    assert error_of("SELECT Id, Foo__c FROM Lead") == (
        "INVALID_FIELD", "\nSELECT Id, Foo__c FROM Lead\n           ^\nERROR at Row:1:Column:12\n"
        "No such column 'Foo__c' on entity 'Lead'. If you are attempting to use a custom field, be sure to "
        "append the '__c' after the custom field name. Please reference your WSDL or the describe call for "
        "the appropriate names.")
    assert error_of("SELECT Id FROM Account") == (
        "INVALID_TYPE", "\nSELECT Id FROM Account\n               ^\nERROR at Row:1:Column:16\n"
        "sObject type 'Account' is not supported. If you are attempting to use a custom object, be sure to "
        "append the '__c' after the entity name. Please reference your WSDL or the describe call for the "
        "appropriate names.")
    assert error_of("SELECT Id FROM Lead WHERE CreatedDate > '2025-01-01T00:00:00Z'")[1].endswith(
        "value of filter criterion for field 'CreatedDate' must be of type dateTime and should not be "
        "enclosed in quotes")
    assert error_of("SELECT Id FROM Lead WHERE Status = 5")[1].endswith(
        "value of filter criterion for field 'Status' must be of type string "
        "and should be enclosed in quotes")
    assert error_of("SELECT Id FROM Lead ORDER BY Nope")[0] == "INVALID_FIELD"


def test_a_record_value_that_does_not_fit_its_type_names_the_record():
    broken = {"Lead": [*LEADS, lead("00Q000000000000009", "Open", "2025-02-30T00:00:00.000+0000")]}
    with pytest.raises(DatasetError, match="record '00Q000000000000009': field 'CreatedDate'"):
        run_query(parse("SELECT Id FROM Lead WHERE CreatedDate > 2025-01-01T00:00:00Z"), tables_of(broken), False)


def test_field_types_come_from_the_first_value_and_mixed_json_types_are_any_type():
    records = [{"Id": "006000000000000001", "Amount": 1000, "OldValue": None, "CloseDate": "2025-01-31"},
               {"Id": "006000000000000002", "Amount": 1500.5, "OldValue": 3, "CloseDate": None},
               {"Id": "006000000000000003", "Amount": None, "OldValue": "Open"}]
    assert infer_fields(records) == [
        FieldInfo("Id", "id", False), FieldInfo("IsDeleted", "boolean", False),
        FieldInfo("Amount", "currency", True), FieldInfo("OldValue", "anyType", True),
        FieldInfo("CloseDate", "date", True),
    ]
