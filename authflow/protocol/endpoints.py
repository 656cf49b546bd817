"""Where requests go: the JSON 1.1 target header, the region and pool name inside a user-pool id,
and the Cognito endpoint URL (docs/protocol-notes.md §1.1).

:func:`resolve_endpoint` follows the ``cognito-idp`` endpoint rule set of botocore 1.44.8
(``endpoint-rule-set-1.json``) with the partition table of its ``partitions.json``:

* a custom ``endpoint_url`` wins over the region (emulators, moto, VPC endpoints) and is returned
  unchanged; combining it with ``fips``/``dualstack`` is a :class:`ValidationError`, as in the rule
  set;
* otherwise ``https://cognito-idp[-fips].{region}.{suffix}``, where the suffix comes from the
  region's partition (``amazonaws.com``, ``amazonaws.com.cn``, ``c2s.ic.gov``, …). Note the rule
  set's dual-stack quirk: in the ``aws`` partition Cognito's regular host is already dual-stack,
  so ``dualstack=True`` gives ``cognito-idp.{region}.amazonaws.com``; other partitions use their
  dual-stack suffix. A region that matches no partition falls back to ``aws``, as botocore does.

>>> resolve_endpoint("eu-west-1")
'https://cognito-idp.eu-west-1.amazonaws.com'
>>> resolve_endpoint("cn-north-1")
'https://cognito-idp.cn-north-1.amazonaws.com.cn'
>>> resolve_endpoint(region_from_pool_id("us-east-1_AbCdEf123"), fips=True)
'https://cognito-idp-fips.us-east-1.amazonaws.com'
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from authflow.protocol.errors import ValidationError

__all__ = [
    "PARTITIONS",
    "TARGET_PREFIX",
    "Partition",
    "partition_for_region",
    "pool_name_from_pool_id",
    "region_from_pool_id",
    "resolve_endpoint",
    "target_header",
]

#: The JSON 1.1 ``targetPrefix`` of the service; ``X-Amz-Target`` is ``{prefix}.{Operation}``.
TARGET_PREFIX = "AWSCognitoIdentityProviderService"

_OPERATION = re.compile(r"[A-Z][A-Za-z0-9]*")
# botocore's region check (a DNS label, not all digits), minus the empty string.
_REGION = re.compile(r"(?![0-9]+$)(?!-)[a-zA-Z0-9-]{1,63}(?<!-)")
# The model's UserPoolIdType: len 1..55, [\w-]+_[0-9a-zA-Z]+.
_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+", re.ASCII)


class Partition(NamedTuple):
    """One AWS partition: which regions it holds and its DNS suffixes."""

    name: str
    region_regex: str
    regions: frozenset[str]
    dns_suffix: str
    dual_stack_dns_suffix: str
    supports_fips: bool = True
    supports_dual_stack: bool = True


#: From botocore 1.44.8 ``data/partitions.json``; order matters (first match wins, ``aws`` is
#: the fallback).
PARTITIONS: tuple[Partition, ...] = (
    Partition(
        "aws",
        r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        frozenset(
            "af-south-1 ap-east-1 ap-east-2 ap-northeast-1 ap-northeast-2 ap-northeast-3 "
            "ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 "
            "ap-southeast-5 ap-southeast-6 ap-southeast-7 aws-global ca-central-1 ca-west-1 "
            "eu-central-1 eu-central-2 eu-north-1 eu-south-1 eu-south-2 eu-west-1 eu-west-2 "
            "eu-west-3 il-central-1 me-central-1 me-south-1 me-west-1 mx-central-1 sa-east-1 "
            "sa-west-1 us-east-1 us-east-2 us-west-1 us-west-2".split()
        ),
        "amazonaws.com",
        "api.aws",
    ),
    Partition(
        "aws-cn",
        r"^cn\-\w+\-\d+$",
        frozenset({"aws-cn-global", "cn-north-1", "cn-northwest-1"}),
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
    ),
    Partition(
        "aws-eusc",
        r"^eusc\-(de)\-\w+\-\d+$",
        frozenset({"eusc-de-east-1"}),
        "amazonaws.eu",
        "api.amazonwebservices.eu",
    ),
    Partition(
        "aws-iso",
        r"^us\-iso\-\w+\-\d+$",
        frozenset({"aws-iso-global", "us-iso-east-1", "us-iso-west-1"}),
        "c2s.ic.gov",
        "api.aws.ic.gov",
    ),
    Partition(
        "aws-iso-b",
        r"^us\-isob\-\w+\-\d+$",
        frozenset({"aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"}),
        "sc2s.sgov.gov",
        "api.aws.scloud",
    ),
    Partition(
        "aws-iso-e",
        r"^eu\-isoe\-\w+\-\d+$",
        frozenset({"aws-iso-e-global", "eu-isoe-west-1"}),
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
    ),
    Partition(
        "aws-iso-f",
        r"^us\-isof\-\w+\-\d+$",
        frozenset({"aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"}),
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
    ),
    Partition(
        "aws-us-gov",
        r"^us\-gov\-\w+\-\d+$",
        frozenset({"aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"}),
        "amazonaws.com",
        "api.aws",
    ),
)

# The rule set hard-codes these FIPS + dual-stack hosts on the aws partition's plain suffix.
_FIPS_DUALSTACK_ON_PLAIN_SUFFIX = frozenset({"us-east-1", "us-east-2", "us-west-1", "us-west-2"})


def target_header(operation: str) -> str:
    """The ``X-Amz-Target`` value for ``operation``.

    >>> target_header("InitiateAuth")
    'AWSCognitoIdentityProviderService.InitiateAuth'
    """
    if not isinstance(operation, str) or not _OPERATION.fullmatch(operation):
        raise ValidationError(
            "operation must be a PascalCase operation name such as 'InitiateAuth'",
            field="operation",
        )
    return f"{TARGET_PREFIX}.{operation}"


def _split_pool_id(pool_id: str) -> tuple[str, str]:
    if not isinstance(pool_id, str) or len(pool_id) > 55 or not _POOL_ID.fullmatch(pool_id):
        raise ValidationError(
            "user pool id must look like '<region>_<id>', e.g. 'us-east-1_AbCdEf123'",
            field="user_pool_id",
        )
    region, name = pool_id.split("_", 1)
    if not _REGION.fullmatch(region):
        raise ValidationError(
            "user pool id must start with a region, e.g. 'us-east-1_AbCdEf123'",
            field="user_pool_id",
        )
    return region, name


def region_from_pool_id(pool_id: str) -> str:
    """The region of a user pool: the part of its id before the first underscore.

    >>> region_from_pool_id("us-east-1_AbCdEf123")
    'us-east-1'
    """
    return _split_pool_id(pool_id)[0]


def pool_name_from_pool_id(pool_id: str) -> str:
    """The pool-name part of a user-pool id (after the first underscore), as SRP uses it.

    >>> pool_name_from_pool_id("us-east-1_AbCdEf123")
    'AbCdEf123'
    """
    return _split_pool_id(pool_id)[1]


def _check_region(region: object) -> str:
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        raise ValidationError("region must be a region name such as 'us-east-1'", field="region")
    return region


def partition_for_region(region: str) -> Partition:
    """The partition a region belongs to (``aws`` when none matches, as botocore does)."""
    _check_region(region)
    for partition in PARTITIONS:
        if region in partition.regions or re.match(partition.region_regex, region):
            return partition
    return PARTITIONS[0]


def _check_endpoint_url(endpoint_url: object) -> str:
    problem = "endpoint_url must be an absolute http(s) URL such as 'http://127.0.0.1:9229'"
    if not isinstance(endpoint_url, str) or any(c.isspace() for c in endpoint_url):
        raise ValidationError(problem, field="endpoint_url")
    try:
        parts = urlsplit(endpoint_url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise ValidationError(problem, field="endpoint_url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise ValidationError(problem, field="endpoint_url")
    if parts.query or parts.fragment or parts.username is not None:
        raise ValidationError(
            "endpoint_url must not carry credentials, a query or a fragment",
            field="endpoint_url",
        )
    return endpoint_url


def resolve_endpoint(
    region: str,
    *,
    fips: bool = False,
    dualstack: bool = False,
    endpoint_url: str | None = None,
) -> str:
    """The base URL to POST Cognito requests to (the path is always ``/``).

    ``endpoint_url`` overrides everything (``region`` is then not used); it cannot be combined
    with ``fips`` or ``dualstack``. Raises :class:`ValidationError` for a malformed region or URL.

    >>> resolve_endpoint("us-east-1", endpoint_url="http://127.0.0.1:9229")
    'http://127.0.0.1:9229'
    >>> resolve_endpoint("us-gov-west-1", fips=True)
    'https://cognito-idp-fips.us-gov-west-1.amazonaws.com'
    """
    if endpoint_url is not None:
        if fips:
            raise ValidationError(
                "fips cannot be combined with a custom endpoint_url", field="fips"
            )
        if dualstack:
            raise ValidationError(
                "dualstack cannot be combined with a custom endpoint_url", field="dualstack"
            )
        return _check_endpoint_url(endpoint_url)
    partition = partition_for_region(region)
    if fips and dualstack:
        if not (partition.supports_fips and partition.supports_dual_stack):
            raise ValidationError(
                f"partition {partition.name} does not support FIPS with dual-stack", field="fips"
            )
        if region in _FIPS_DUALSTACK_ON_PLAIN_SUFFIX:
            return f"https://cognito-idp-fips.{region}.amazonaws.com"
        return f"https://cognito-idp-fips.{region}.{partition.dual_stack_dns_suffix}"
    if fips:
        if not partition.supports_fips:
            raise ValidationError(f"partition {partition.name} does not support FIPS", field="fips")
        return f"https://cognito-idp-fips.{region}.{partition.dns_suffix}"
    if dualstack:
        if not partition.supports_dual_stack:
            raise ValidationError(
                f"partition {partition.name} does not support dual-stack", field="dualstack"
            )
        if partition.name == "aws":
            return f"https://cognito-idp.{region}.amazonaws.com"
        return f"https://cognito-idp.{region}.{partition.dual_stack_dns_suffix}"
    return f"https://cognito-idp.{region}.{partition.dns_suffix}"
