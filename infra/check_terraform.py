#!/usr/bin/env python3
"""Static security checks on infra/terraform, run by infra/validate.sh and tests/test_infra.py.

Parses the *.tf files with python-hcl2 (no provider download, no AWS access) and asserts:

* security groups: app ingress only 8000 from the ALB group; db only 5432 from the app
  group; redis only 6379 from the app group; 0.0.0.0/0 (or ::/0) ingress nowhere except
  the ALB on 80/443; no standalone ingress-rule resources that could widen this;
* RDS: multi_az = true, backup_retention_period > 0, storage_encrypted = true,
  deletion protection enabled in environments/production.tfvars;
* S3: every aws_s3_bucket has versioning "Enabled", server-side encryption and a
  public access block with all four switches on;
* backups: the backups bucket has Object Lock, and the task role's policy grants no delete,
  retention bypass or wildcard action on it (the app adds backups, never removes them).

Usage: python infra/check_terraform.py [TERRAFORM_DIR]   (exit 1 and one line per failure)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TERRAFORM_DIR = Path(__file__).resolve().parent / "terraform"
OPEN_CIDRS = {"0.0.0.0/0", "::/0"}
WIDE_OPEN_PORTS = {80, 443}

Resources = dict[str, dict[str, dict[str, Any]]]


def _clean(value: Any) -> Any:
    """Normalise python-hcl2 output across versions: drop block markers and the
    quotes that hcl2 >= 5 keeps around string literals."""
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def load_terraform(directory: Path = TERRAFORM_DIR) -> dict[str, Any]:
    """Return {"resource": {type: {name: body}}, "variable": {...}, "files": [...]}."""
    import hcl2  # python-hcl2, in the project's test extras

    resources: Resources = {}
    data: Resources = {}
    variables: dict[str, Any] = {}
    files = sorted(directory.glob("*.tf"))
    if not files:
        raise FileNotFoundError(f"no *.tf files in {directory}")
    for path in files:
        with path.open(encoding="utf-8") as handle:
            doc = _clean(hcl2.load(handle))
        for block in doc.get("resource", []):
            for rtype, named in block.items():
                for name, body in named.items():
                    if name in resources.setdefault(rtype, {}):
                        raise ValueError(f"duplicate resource {rtype}.{name} ({path.name})")
                    resources[rtype][name] = body
        for block in doc.get("data", []):
            for dtype, named in block.items():
                data.setdefault(dtype, {}).update(named)
        for block in doc.get("variable", []):
            variables.update(block)
    return {"resource": resources, "data": data, "variable": variables,
            "files": [p.name for p in files]}


def load_tfvars(path: Path) -> dict[str, Any]:
    import hcl2

    with path.open(encoding="utf-8") as handle:
        return dict(_clean(hcl2.load(handle)))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sg_refs(rule: dict[str, Any]) -> set[str]:
    """Names of security groups referenced as sources, e.g. {"alb"}."""
    names = set()
    for ref in _as_list(rule.get("security_groups")):
        match = re.search(r"aws_security_group\.([A-Za-z0-9_-]+)\.id", str(ref))
        names.add(match.group(1) if match else str(ref))
    return names


def _ingress(resources: Resources, sg_name: str) -> list[dict[str, Any]]:
    sg = resources.get("aws_security_group", {}).get(sg_name)
    if sg is None:
        return []
    return [r for r in _as_list(sg.get("ingress")) if isinstance(r, dict)]


def check_security_groups(resources: Resources) -> Iterator[str]:
    groups = resources.get("aws_security_group", {})
    for required in ("alb", "app", "db", "redis"):
        if required not in groups:
            yield f"security group aws_security_group.{required} is missing"

    # Separate rule resources would bypass the inline checks below.
    for rtype in ("aws_security_group_rule", "aws_vpc_security_group_ingress_rule"):
        for name, body in resources.get(rtype, {}).items():
            if rtype == "aws_vpc_security_group_ingress_rule" or body.get("type") == "ingress":
                yield f"{rtype}.{name}: ingress must be declared inline in aws_security_group"

    expected = {"app": (8000, "alb"), "db": (5432, "app"), "redis": (6379, "app")}
    for sg_name, (port, source) in expected.items():
        rules = _ingress(resources, sg_name)
        if sg_name in groups and not rules:
            yield f"aws_security_group.{sg_name}: no ingress rule for {port} from {source}"
        for rule in rules:
            ports = f"{rule.get('from_port')}-{rule.get('to_port')}"
            where = f"aws_security_group.{sg_name} ingress {ports}"
            if _int(rule.get("from_port")) != port or _int(rule.get("to_port")) != port:
                yield f"{where}: only port {port} is allowed"
            if str(rule.get("protocol")) != "tcp":
                yield f"{where}: protocol must be tcp"
            if _sg_refs(rule) != {source}:
                yield f"{where}: source must be exactly aws_security_group.{source}"
            for key in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"):
                if _as_list(rule.get(key)):
                    yield f"{where}: {key} not allowed, only the {source} security group"
            if rule.get("self"):
                yield f"{where}: self-referencing ingress not allowed"

    for sg_name in groups:
        for rule in _ingress(resources, sg_name):
            cidrs = {str(c) for c in _as_list(rule.get("cidr_blocks"))}
            cidrs |= {str(c) for c in _as_list(rule.get("ipv6_cidr_blocks"))}
            if not cidrs & OPEN_CIDRS:
                continue
            lo, hi = _int(rule.get("from_port")), _int(rule.get("to_port"))
            ok = sg_name == "alb" and lo == hi and lo in WIDE_OPEN_PORTS
            if not ok:
                yield (
                    f"aws_security_group.{sg_name} ingress {lo}-{hi} is open to the internet;"
                    " only the ALB on 80/443 may be"
                )


def check_rds(
    resources: Resources,
    variables: dict[str, Any] | None = None,
    production_tfvars: dict[str, Any] | None = None,
) -> Iterator[str]:
    variables = variables or {}
    instances = resources.get("aws_db_instance", {})
    if not instances:
        yield "no aws_db_instance found"
    for name, db in instances.items():
        where = f"aws_db_instance.{name}"
        if db.get("multi_az") is not True:
            yield f"{where}: multi_az must be true"
        if db.get("storage_encrypted") is not True:
            yield f"{where}: storage_encrypted must be true"
        if db.get("publicly_accessible") is True:
            yield f"{where}: must not be publicly accessible"
        retention = db.get("backup_retention_period")
        value = _int(retention)
        if value is None and isinstance(retention, str):
            # A variable: its default and validation must keep backups on.
            match = re.fullmatch(r"\$\{var\.([A-Za-z0-9_]+)\}", retention)
            if match:
                value = _int((variables.get(match.group(1)) or {}).get("default"))
                if production_tfvars is not None and match.group(1) in production_tfvars:
                    value = min(value or 0, _int(production_tfvars[match.group(1)]) or 0)
        if value is None or value <= 0:
            yield f"{where}: backup_retention_period must be > 0 (got {retention!r})"
        protection = db.get("deletion_protection")
        if protection is not True:
            match = re.fullmatch(r"\$\{var\.([A-Za-z0-9_]+)\}", str(protection))
            if not match:
                yield f"{where}: deletion_protection must be true or a variable"
            elif (
                production_tfvars is not None and production_tfvars.get(match.group(1)) is not True
            ):
                yield f"{where}: {match.group(1)} must be true in production.tfvars"


def check_s3(resources: Resources) -> Iterator[str]:
    buckets = resources.get("aws_s3_bucket", {})
    if not buckets:
        yield "no aws_s3_bucket found"

    def targets(rtype: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for body in resources.get(rtype, {}).values():
            match = re.search(
                r"aws_s3_bucket\.([A-Za-z0-9_-]+)\.(id|bucket)", str(body.get("bucket"))
            )
            if match:
                found[match.group(1)] = body
        return found

    versioning = targets("aws_s3_bucket_versioning")
    encryption = targets("aws_s3_bucket_server_side_encryption_configuration")
    public_block = targets("aws_s3_bucket_public_access_block")
    for name, bucket in buckets.items():
        where = f"aws_s3_bucket.{name}"
        if bucket.get("acl") not in (None, "private"):
            yield f"{where}: acl must be private"
        conf = versioning.get(name)
        statuses = [
            v.get("status") for v in _as_list(conf and conf.get("versioning_configuration"))
        ]
        if statuses != ["Enabled"]:
            yield f"{where}: versioning must be Enabled"
        conf = encryption.get(name)
        algorithms = [
            d.get("sse_algorithm")
            for rule in _as_list(conf and conf.get("rule"))
            for d in _as_list(rule.get("apply_server_side_encryption_by_default"))
        ]
        if not algorithms or not all(
            a in ("aws:kms", "AES256", "aws:kms:dsse") for a in algorithms
        ):
            yield f"{where}: server-side encryption (aws:kms or AES256) is required"
        conf = public_block.get(name)
        switches = (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
        if conf is None or not all(conf.get(s) is True for s in switches):
            yield f"{where}: public access block with all four switches true is required"


BACKUP_FORBIDDEN = ("s3:*", "s3:Delete", "s3:BypassGovernanceRetention", "s3:PutObjectRetention",
                    "s3:PutBucketObjectLockConfiguration", "s3:PutLifecycleConfiguration")


def check_backups(resources: Resources, data: Resources) -> Iterator[str]:
    bucket = resources.get("aws_s3_bucket", {}).get("backups")
    if bucket is None:
        return
    if bucket.get("object_lock_enabled") is not True or not any(
            "aws_s3_bucket.backups" in str(body.get("bucket"))
            for body in resources.get("aws_s3_bucket_object_lock_configuration", {}).values()):
        yield "aws_s3_bucket.backups: Object Lock (enabled and configured) is required"
    policy = data.get("aws_iam_policy_document", {}).get("task", {})
    for statement in _as_list(policy.get("statement")):
        if statement.get("effect", "Allow") != "Allow":
            continue
        if "aws_s3_bucket.backups" not in str(statement.get("resources")):
            continue
        for action in _as_list(statement.get("actions")):
            if any(str(action).startswith(bad) for bad in BACKUP_FORBIDDEN):
                yield (f"aws_iam_policy_document.task: {action} on the backups bucket "
                       "(the app role must not delete or unlock backups)")


def check(directory: Path = TERRAFORM_DIR) -> list[str]:
    """All failures, as human-readable lines (empty list = pass)."""
    loaded = load_terraform(directory)
    prod_path = directory / "environments" / "production.tfvars"
    production = load_tfvars(prod_path) if prod_path.exists() else None
    resources = loaded["resource"]
    failures = list(check_security_groups(resources))
    failures += check_rds(resources, loaded["variable"], production)
    failures += check_s3(resources)
    failures += check_backups(resources, loaded["data"])
    if production is None:
        failures.append("environments/production.tfvars is missing")
    if not (directory / "environments" / "staging.tfvars").exists():
        failures.append("environments/staging.tfvars is missing")
    return failures


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else TERRAFORM_DIR
    try:
        failures = check(directory)
    except Exception as exc:  # parse errors are failures too
        print(f"terraform check: cannot parse {directory}: {exc}", file=sys.stderr)
        return 1
    for line in failures:
        print(f"terraform check FAILED: {line}", file=sys.stderr)
    if failures:
        return 1
    print(f"terraform check: security groups, RDS and S3 rules hold in {directory}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
