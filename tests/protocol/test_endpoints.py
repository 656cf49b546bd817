"""X-Amz-Target, region / pool name from a pool id, endpoint resolution (docs/protocol-notes.md §1.1).

Endpoint URLs are checked against botocore's own rule-set engine when botocore is installed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from authflow.protocol import (
    PARTITIONS,
    TARGET_PREFIX,
    ValidationError,
    partition_for_region,
    pool_name_from_pool_id,
    region_from_pool_id,
    resolve_endpoint,
    target_header,
)


def test_target_header() -> None:
    assert TARGET_PREFIX == "AWSCognitoIdentityProviderService"
    assert target_header("InitiateAuth") == "AWSCognitoIdentityProviderService.InitiateAuth"


@pytest.mark.parametrize("bad", ["", "initiateAuth", "Initiate Auth", "X.Y", None, 3])
def test_target_header_rejects_garbage(bad: Any) -> None:
    with pytest.raises(ValidationError):
        target_header(bad)


@pytest.mark.parametrize(
    ("pool_id", "region", "name"),
    [
        ("us-east-1_AbCdEf123", "us-east-1", "AbCdEf123"),
        ("eu-west-2_eYpv1mFHB", "eu-west-2", "eYpv1mFHB"),
        ("cn-north-1_x", "cn-north-1", "x"),
        ("us-gov-west-1_Z9", "us-gov-west-1", "Z9"),
        # first underscore splits (Java split("_", 2), what SRP uses)
        ("local_abc_DEF", "local", "abc_DEF"),
    ],
)
def test_pool_id_parts(pool_id: str, region: str, name: str) -> None:
    assert region_from_pool_id(pool_id) == region
    assert pool_name_from_pool_id(pool_id) == name


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "us-east-1",
        "us-east-1_",
        "_AbC",
        "us-east-1_Ab-C",
        "us east-1_AbC",
        "-us-east-1_AbC",
        "us-east-1_" + "a" * 60,
        None,
        42,
    ],
)
def test_pool_id_rejects_garbage(bad: Any) -> None:
    for fn in (region_from_pool_id, pool_name_from_pool_id):
        with pytest.raises(ValidationError) as info:
            fn(bad)
        assert info.value.field == "user_pool_id"


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({"region": "us-east-1"}, "https://cognito-idp.us-east-1.amazonaws.com"),
        ({"region": "eu-west-2"}, "https://cognito-idp.eu-west-2.amazonaws.com"),
        ({"region": "cn-north-1"}, "https://cognito-idp.cn-north-1.amazonaws.com.cn"),
        ({"region": "us-gov-west-1"}, "https://cognito-idp.us-gov-west-1.amazonaws.com"),
        ({"region": "us-iso-east-1"}, "https://cognito-idp.us-iso-east-1.c2s.ic.gov"),
        ({"region": "us-isob-east-1"}, "https://cognito-idp.us-isob-east-1.sc2s.sgov.gov"),
        ({"region": "eu-isoe-west-1"}, "https://cognito-idp.eu-isoe-west-1.cloud.adc-e.uk"),
        ({"region": "us-isof-south-1"}, "https://cognito-idp.us-isof-south-1.csp.hci.ic.gov"),
        ({"region": "eusc-de-east-1"}, "https://cognito-idp.eusc-de-east-1.amazonaws.eu"),
        ({"region": "xx-future-9"}, "https://cognito-idp.xx-future-9.amazonaws.com"),
        ({"region": "us-east-1", "fips": True}, "https://cognito-idp-fips.us-east-1.amazonaws.com"),
        (
            {"region": "cn-north-1", "fips": True},
            "https://cognito-idp-fips.cn-north-1.amazonaws.com.cn",
        ),
        ({"region": "us-east-1", "dualstack": True}, "https://cognito-idp.us-east-1.amazonaws.com"),
        (
            {"region": "cn-north-1", "dualstack": True},
            "https://cognito-idp.cn-north-1.api.amazonwebservices.com.cn",
        ),
        (
            {"region": "us-gov-west-1", "dualstack": True},
            "https://cognito-idp.us-gov-west-1.api.aws",
        ),
        (
            {"region": "us-west-2", "fips": True, "dualstack": True},
            "https://cognito-idp-fips.us-west-2.amazonaws.com",
        ),
        (
            {"region": "eu-west-1", "fips": True, "dualstack": True},
            "https://cognito-idp-fips.eu-west-1.api.aws",
        ),
        (
            {"region": "us-east-1", "endpoint_url": "http://127.0.0.1:9229"},
            "http://127.0.0.1:9229",
        ),
        # the override wins; the region is then not used at all
        ({"region": "", "endpoint_url": "https://cognito.local/"}, "https://cognito.local/"),
    ],
)
def test_resolve_endpoint(kwargs: dict[str, Any], url: str) -> None:
    region = kwargs.pop("region")
    assert resolve_endpoint(region, **kwargs) == url


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region": ""}, "region"),
        ({"region": "us_east_1"}, "region"),
        ({"region": "us-east-1."}, "region"),
        ({"region": "-us-east-1"}, "region"),
        ({"region": "123"}, "region"),
        ({"region": "a" * 64}, "region"),
        ({"region": None}, "region"),
        ({"region": "us-east-1", "endpoint_url": "ftp://x"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "localhost:9229"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://h:0"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://h:99999"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://h /"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://u:p@h/"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://h/?a=1"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": b"http://h"}, "endpoint_url"),
        ({"region": "us-east-1", "endpoint_url": "http://h", "fips": True}, "fips"),
        ({"region": "us-east-1", "endpoint_url": "http://h", "dualstack": True}, "dualstack"),
    ],
)
def test_resolve_endpoint_rejects(kwargs: dict[str, Any], field: str) -> None:
    region = kwargs.pop("region")
    with pytest.raises(ValidationError) as info:
        resolve_endpoint(region, **kwargs)
    assert info.value.field == field


def test_partition_lookup() -> None:
    assert partition_for_region("us-gov-east-1").name == "aws-us-gov"
    assert partition_for_region("us-iso-west-1").name == "aws-iso"
    assert partition_for_region("aws-cn-global").name == "aws-cn"
    assert partition_for_region("nowhere").name == "aws"


# --- cross-check with botocore's endpoint rule-set engine ---------------------------------------


def _botocore_provider() -> Any:
    try:
        import botocore.session
        from botocore.endpoint_provider import EndpointProvider
    except ImportError:  # pragma: no cover - botocore is a test extra
        pytest.skip("botocore is not installed")
    loader = botocore.session.get_session().get_component("data_loader")
    rules = loader.load_service_model("cognito-idp", "endpoint-rule-set-1")
    return EndpointProvider(rules, loader.load_data("partitions"))


KNOWN_REGIONS = sorted({r for p in PARTITIONS for r in p.regions} | {"xx-nowhere-1", "local"})


@pytest.mark.parametrize("region", KNOWN_REGIONS)
def test_matches_botocore_for_every_known_region(region: str) -> None:
    provider = _botocore_provider()
    for fips in (False, True):
        for dualstack in (False, True):
            expected = provider.resolve_endpoint(
                Region=region, UseFIPS=fips, UseDualStack=dualstack
            ).url
            assert resolve_endpoint(region, fips=fips, dualstack=dualstack) == expected


def test_partition_table_matches_botocore() -> None:
    try:
        import botocore.session
    except ImportError:  # pragma: no cover
        pytest.skip("botocore is not installed")
    data = botocore.session.get_session().get_component("data_loader").load_data("partitions")
    theirs = {
        p["id"]: (
            p["regionRegex"],
            frozenset(p["regions"]),
            p["outputs"]["dnsSuffix"],
            p["outputs"]["dualStackDnsSuffix"],
            p["outputs"]["supportsFIPS"],
            p["outputs"]["supportsDualStack"],
        )
        for p in data["partitions"]
    }
    ours = {p.name: tuple(p[1:]) for p in PARTITIONS}
    assert ours == theirs
    assert PARTITIONS[0].name == data["partitions"][0]["id"] == "aws"


_region = st.from_regex(r"[a-z]{2,5}(-[a-z]{2,8}){1,2}-[0-9]{1,2}", fullmatch=True)


@settings(max_examples=60)
@given(region=_region, fips=st.booleans(), dualstack=st.booleans())
def test_matches_botocore_for_generated_regions(region: str, fips: bool, dualstack: bool) -> None:
    provider = _botocore_provider()
    expected = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=dualstack).url
    assert resolve_endpoint(region, fips=fips, dualstack=dualstack) == expected
