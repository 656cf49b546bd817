"""User-pool attribute schema: the standard OIDC attributes, custom attributes, value checks.

Values are stored as strings, as Cognito's API carries them (``email_verified`` is ``"true"``);
ID tokens convert the ``*_verified`` flags to JSON booleans.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from authflow.protocol.errors import InvalidParameterError

__all__ = [
    "STANDARD_ATTRIBUTES",
    "SchemaAttribute",
    "build_schema",
    "check_values",
    "is_email",
    "is_phone",
    "mask_destination",
]

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+[0-9]{4,15}")


def is_email(value: str) -> bool:
    """A plausible e-mail address (Cognito's check is about this loose)."""
    return bool(_EMAIL.fullmatch(value))


def is_phone(value: str) -> bool:
    """An E.164 phone number: ``+`` then digits."""
    return bool(_PHONE.fullmatch(value))


def mask_destination(value: str) -> str:
    """Mask an address the way CodeDeliveryDetails shows it: ``a***@e***``, ``+*******1234``."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain[:1]}***"
    return value[:1] + "*" * max(len(value) - 5, 0) + value[-4:]


@attrs.define
class SchemaAttribute:
    """One attribute of a pool's schema (``name`` carries ``custom:`` for custom attributes)."""

    name: str
    data_type: str = "String"
    mutable: bool = True
    required: bool = False
    developer_only: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None

    @property
    def custom(self) -> bool:
        """Whether this is a ``custom:`` attribute."""
        return self.name.startswith("custom:")

    def to_wire(self) -> dict[str, Any]:
        """``SchemaAttributeType`` as DescribeUserPool returns it."""
        wire: dict[str, Any] = {
            "Name": self.name,
            "AttributeDataType": self.data_type,
            "DeveloperOnlyAttribute": self.developer_only,
            "Mutable": self.mutable,
            "Required": self.required,
        }
        if self.data_type == "String":
            constraints = {}
            if self.min_length is not None:
                constraints["MinLength"] = str(self.min_length)
            if self.max_length is not None:
                constraints["MaxLength"] = str(self.max_length)
            wire["StringAttributeConstraints"] = constraints
        elif self.data_type == "Number":
            numbers = {}
            if self.min_value is not None:
                numbers["MinValue"] = _num(self.min_value)
            if self.max_value is not None:
                numbers["MaxValue"] = _num(self.max_value)
            wire["NumberAttributeConstraints"] = numbers
        return wire


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _standard() -> dict[str, SchemaAttribute]:
    attrs_: dict[str, SchemaAttribute] = {
        "sub": SchemaAttribute("sub", mutable=False, required=True, min_length=1, max_length=2048)
    }
    for name in (
        "name given_name family_name middle_name nickname preferred_username profile picture "
        "website email gender zoneinfo locale phone_number address"
    ).split():
        attrs_[name] = SchemaAttribute(name, min_length=0, max_length=2048)
    attrs_["birthdate"] = SchemaAttribute("birthdate", min_length=10, max_length=10)
    attrs_["email_verified"] = SchemaAttribute("email_verified", data_type="Boolean")
    attrs_["phone_number_verified"] = SchemaAttribute("phone_number_verified", data_type="Boolean")
    attrs_["updated_at"] = SchemaAttribute("updated_at", data_type="Number", min_value=0)
    return attrs_


#: Cognito's standard attributes, as a fresh pool describes them.
STANDARD_ATTRIBUTES: Mapping[str, SchemaAttribute] = _standard()

_DATA_TYPES = ("String", "Number", "DateTime", "Boolean")


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"Invalid constraint value {value!r}.") from None


def _float_or_none(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"Invalid constraint value {value!r}.") from None


def build_schema(items: Iterable[Mapping[str, Any]] | None) -> dict[str, SchemaAttribute]:
    """The full schema of a new pool: the standard attributes adjusted/extended by ``Schema``.

    Custom attribute names are given without the ``custom:`` prefix (as in CreateUserPool) and
    stored with it. Required custom attributes are refused, as Cognito refuses them."""
    schema = {name: attrs.evolve(attr) for name, attr in STANDARD_ATTRIBUTES.items()}
    for item in items or ():
        name = str(item.get("Name") or "")
        data_type = str(item.get("AttributeDataType") or "String")
        if data_type not in _DATA_TYPES:
            raise InvalidParameterError(f"Invalid AttributeDataType {data_type} for {name}.")
        strings = item.get("StringAttributeConstraints") or {}
        numbers = item.get("NumberAttributeConstraints") or {}
        if name in STANDARD_ATTRIBUTES:
            attr = schema[name]
            if name == "sub":
                raise InvalidParameterError("sub attribute cannot be modified.")
            if "AttributeDataType" in item and data_type != attr.data_type:
                raise InvalidParameterError(
                    f"The data type of standard attribute {name} cannot be changed."
                )
            attr.required = bool(item.get("Required", attr.required))
            attr.mutable = bool(item.get("Mutable", attr.mutable))
        else:
            full = f"custom:{name}"
            if not name or len(name) > 20 or full in schema:
                raise InvalidParameterError(f"Invalid or duplicate custom attribute name {name!r}.")
            if item.get("Required"):
                raise InvalidParameterError(
                    "Required custom attributes are not supported currently."
                )
            attr = SchemaAttribute(
                full,
                data_type=data_type,
                mutable=bool(item.get("Mutable", True)),
                developer_only=bool(item.get("DeveloperOnlyAttribute", False)),
            )
            schema[full] = attr
        if attr.data_type == "String":
            attr.min_length = _int_or_none(strings.get("MinLength", attr.min_length))
            attr.max_length = _int_or_none(strings.get("MaxLength", attr.max_length))
        elif attr.data_type == "Number":
            attr.min_value = _float_or_none(numbers.get("MinValue", attr.min_value))
            attr.max_value = _float_or_none(numbers.get("MaxValue", attr.max_value))
    return schema


def check_values(schema: Mapping[str, SchemaAttribute], values: Mapping[str, str]) -> None:
    """Check attribute values against the schema; raise InvalidParameterException if one fails.

    The message follows Cognito's ``Attributes did not conform to the schema: <name>: <reason>``.
    """
    problems: list[str] = []
    for name, value in values.items():
        attr = schema.get(name)
        if attr is None:
            problems.append(f"{name}: Attribute does not exist in the schema.")
            continue
        if value == "":
            continue
        if attr.data_type == "String":
            if attr.max_length is not None and len(value) > attr.max_length:
                problems.append(
                    f"{name}: String must be no longer than {attr.max_length} characters"
                )
            if attr.min_length is not None and len(value) < attr.min_length:
                problems.append(
                    f"{name}: String must be no shorter than {attr.min_length} characters"
                )
        elif attr.data_type == "Number":
            try:
                number = float(value)
            except ValueError:
                problems.append(f"{name}: Number must be a valid number")
                continue
            if attr.min_value is not None and number < attr.min_value:
                problems.append(f"{name}: Number must be no less than {_num(attr.min_value)}")
            if attr.max_value is not None and number > attr.max_value:
                problems.append(f"{name}: Number must be no greater than {_num(attr.max_value)}")
        elif attr.data_type == "Boolean" and value not in ("true", "false"):
            problems.append(f"{name}: Boolean must be true or false")
    if problems:
        raise InvalidParameterError(
            "Attributes did not conform to the schema: " + "\n".join(problems)
        )
    if values.get("email") and not is_email(values["email"]):
        raise InvalidParameterError("Invalid email address format.")
    if values.get("phone_number") and not is_phone(values["phone_number"]):
        raise InvalidParameterError("Invalid phone number format.")
