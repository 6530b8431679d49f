"""Parser for the SOQL subset the fixture API answers.

Grammar (keywords case-insensitive)::

    SELECT (COUNT() | field, ...) FROM object
    [WHERE condition] [ORDER BY field [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n]

    condition  := unary (AND unary)* | unary (OR unary)*    -- mixing needs parentheses, as in SOQL
    unary      := NOT unary | '(' condition ')' | field op literal | field [NOT] IN (literal, ...)

Errors carry Salesforce's own error code and message layout (query line, caret, row and column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from standin.api.dataset import parse_utc


class SoqlError(ValueError):
    """A query Salesforce would reject; ``error_code`` and ``message`` are sent as the API's error body."""

    def __init__(self, error_code: str, message: str):
        super().__init__(message)
        self.error_code = error_code
        self.message = message

    @classmethod
    def at(cls, soql: str, position: int, error_code: str, description: str) -> SoqlError:
        row = soql.count("\n", 0, position) + 1
        line_start = soql.rfind("\n", 0, position) + 1
        line_end = soql.find("\n", position)
        line = soql[line_start : line_end if line_end >= 0 else len(soql)]
        column = position - line_start + 1
        caret = " " * (column - 1) + "^"
        return cls(error_code, f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{description}")


@dataclass(frozen=True)
class Name:
    text: str
    position: int


@dataclass(frozen=True)
class Literal:
    kind: str  # "string" | "number" | "boolean" | "null" | "datetime" | "date"
    value: str | Decimal | bool | datetime | date | None
    position: int


@dataclass(frozen=True)
class Comparison:
    field: Name
    operator: str  # "=", "!=", "<", "<=", ">", ">=", "IN", "NOT IN"
    values: tuple[Literal, ...]  # one value, except for IN / NOT IN


@dataclass(frozen=True)
class BoolOp:
    operator: str  # "AND" | "OR"
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Comparison | BoolOp | Not


@dataclass(frozen=True)
class OrderItem:
    field: Name
    descending: bool = False
    nulls_last: bool = False  # Salesforce sorts nulls first unless told otherwise, in both directions


@dataclass(frozen=True)
class Query:
    text: str
    sobject: Name
    fields: tuple[Name, ...]  # empty for SELECT COUNT()
    is_count: bool
    where: Condition | None
    order_by: tuple[OrderItem, ...]
    limit: int | None

    def error(self, name: Name | Literal, error_code: str, description: str) -> SoqlError:
        return SoqlError.at(self.text, name.position, error_code, description)


@dataclass(frozen=True)
class Token:
    kind: str  # "ident" | "string" | "number" | "datetime" | "date" | "op" | "punct" | "eof"
    text: str
    position: int

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


_TOKEN_PATTERN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))"
    r"|(?P<date>\d{4}-\d{2}-\d{2})"
    r"|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<string>'(?:[^'\\]|\\.)*')"
    r"|(?P<op>!=|<>|<=|>=|=|<|>)"
    r"|(?P<punct>[(),])"
    r"|(?P<ident>[A-Za-z_][A-Za-z0-9_]*)"
)
_STRING_ESCAPES = {
    "n": "\n", "N": "\n", "r": "\r", "R": "\r", "t": "\t", "T": "\t", "b": "\b", "B": "\b",
    "f": "\f", "F": "\f", '"': '"', "'": "'", "\\": "\\",
}
_COMPARISON_OPERATORS = {"=": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def tokenize(soql: str) -> list[Token]:
    tokens, position = [], 0
    while position < len(soql):
        match = _TOKEN_PATTERN.match(soql, position)
        if match is None:
            raise SoqlError.at(soql, position, "MALFORMED_QUERY",
                               f"no viable alternative at character '{soql[position]}'")
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), position))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(soql)))
    return tokens


def parse(soql: str) -> Query:
    """Parse one SOQL statement; raise SoqlError (MALFORMED_QUERY) for anything outside the subset."""
    return _Parser(soql).query()


class _Parser:
    def __init__(self, soql: str):
        self.soql = soql
        self.tokens = tokenize(soql)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def unexpected(self) -> SoqlError:
        return SoqlError.at(self.soql, self.current.position, "MALFORMED_QUERY",
                            f"unexpected token: '{self.current.text}'")

    def expect_keyword(self, word: str) -> None:
        if not self.current.is_keyword(word):
            raise self.unexpected()
        self.advance()

    def expect_punct(self, text: str) -> None:
        if self.current.kind != "punct" or self.current.text != text:
            raise self.unexpected()
        self.advance()

    def accept_keyword(self, *words: str) -> str | None:
        if self.current.is_keyword(*words):
            return self.advance().text.upper()
        return None

    def name(self) -> Name:
        if self.current.kind != "ident":
            raise self.unexpected()
        token = self.advance()
        return Name(token.text, token.position)

    def query(self) -> Query:
        self.expect_keyword("SELECT")
        is_count = self.current.is_keyword("COUNT")
        fields = () if is_count else self.field_list()
        if is_count:
            self.advance()
            self.expect_punct("(")
            self.expect_punct(")")
        self.expect_keyword("FROM")
        sobject = self.name()
        where = self.condition() if self.accept_keyword("WHERE") else None
        order_by = self.order_by() if self.accept_keyword("ORDER") else ()
        limit = self.limit() if self.accept_keyword("LIMIT") else None
        if self.current.kind != "eof":
            raise self.unexpected()
        return Query(self.soql, sobject, fields, is_count, where, order_by, limit)

    def field_list(self) -> tuple[Name, ...]:
        fields = [self.name()]
        while self.current.text == ",":
            self.advance()
            fields.append(self.name())
        seen: set[str] = set()
        for field in fields:
            if field.text.lower() in seen:
                raise SoqlError.at(self.soql, field.position, "MALFORMED_QUERY",
                                   f"duplicate field selected: {field.text}")
            seen.add(field.text.lower())
        return tuple(fields)

    def condition(self) -> Condition:
        operands = [self.unary()]
        joiner = self.current.text.upper() if self.current.is_keyword("AND", "OR") else None
        while joiner and self.accept_keyword(joiner):
            operands.append(self.unary())
        if self.current.is_keyword("AND", "OR"):
            raise self.unexpected()
        return BoolOp(joiner, tuple(operands)) if joiner else operands[0]

    def unary(self) -> Condition:
        if self.accept_keyword("NOT"):
            return Not(self.unary())
        if self.current.text == "(":
            self.advance()
            inner = self.condition()
            self.expect_punct(")")
            return inner
        return self.comparison()

    def comparison(self) -> Comparison:
        field = self.name()
        if self.current.kind == "op":
            operator = _COMPARISON_OPERATORS[self.advance().text]
            return Comparison(field, operator, (self.literal(),))
        negated = self.accept_keyword("NOT")
        self.expect_keyword("IN")
        self.expect_punct("(")
        values = [self.literal()]
        while self.current.text == ",":
            self.advance()
            values.append(self.literal())
        self.expect_punct(")")
        return Comparison(field, "NOT IN" if negated else "IN", tuple(values))

    def literal(self) -> Literal:
        token = self.current
        if token.kind == "string":
            value = self.unescape(token)
        elif token.kind == "number":
            value = Decimal(token.text)
        elif token.kind == "datetime":
            value = parse_utc(token.text)
        elif token.kind == "date":
            value = date.fromisoformat(token.text)
        elif token.is_keyword("TRUE", "FALSE"):
            return Literal("boolean", self.advance().text.upper() == "TRUE", token.position)
        elif token.is_keyword("NULL"):
            value = None
        else:
            raise self.unexpected()
        self.advance()
        return Literal("null" if value is None else token.kind, value, token.position)

    def unescape(self, token: Token) -> str:
        def replace(match: re.Match) -> str:
            escaped = match.group(1)
            if escaped not in _STRING_ESCAPES:
                raise SoqlError.at(
                    self.soql, token.position, "MALFORMED_QUERY",
                    f"Invalid string literal '{token.text[1:-1]}'. "
                    f"Illegal character sequence '\\{escaped}' in string literal.")
            return _STRING_ESCAPES[escaped]

        return re.sub(r"\\(.)", replace, token.text[1:-1], flags=re.DOTALL)

    def order_by(self) -> tuple[OrderItem, ...]:
        self.expect_keyword("BY")
        items = [self.order_item()]
        while self.current.text == ",":
            self.advance()
            items.append(self.order_item())
        return tuple(items)

    def order_item(self) -> OrderItem:
        field = self.name()
        descending = self.accept_keyword("ASC", "DESC") == "DESC"
        nulls_last = False
        if self.accept_keyword("NULLS"):
            placement = self.accept_keyword("FIRST", "LAST")
            if placement is None:
                raise self.unexpected()
            nulls_last = placement == "LAST"
        return OrderItem(field, descending, nulls_last)

    def limit(self) -> int:
        token = self.current
        if token.kind != "number" or not token.text.isdigit():
            raise self.unexpected()
        self.advance()
        return int(token.text)
