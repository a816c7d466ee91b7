"""Deployment files stay valid: Terraform security rules, JSON/YAML syntax, compose
structure and Dockerfile promises. Fast and offline (no apt, no Docker, no AWS);
infra/validate.sh adds nginx -t, shellcheck and terraform fmt on top."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
INFRA = ROOT / "infra"

pytest.importorskip("yaml")
pytest.importorskip("hcl2")


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, INFRA / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


check_terraform = _load("check_terraform")
check_files = _load("check_files")


def test_terraform_security_rules_hold() -> None:
    assert check_terraform.check() == []


def test_terraform_is_split_by_concern() -> None:
    names = {p.name for p in (INFRA / "terraform").glob("*.tf")}
    expected = {
        "network.tf", "security.tf", "alb.tf", "ecs.tf", "rds.tf", "redis.tf", "s3.tf",
        "secrets.tf", "monitoring.tf", "variables.tf", "outputs.tf", "versions.tf",
    }  # fmt: skip
    assert expected <= names


def test_every_json_and_yaml_file_parses() -> None:
    count, failures = check_files.check_json_yaml(ROOT)
    assert failures == []
    assert count >= 10  # ECS JSON, k8s manifests, compose at least


def test_compose_structure() -> None:
    assert list(check_files.check_compose(ROOT)) == []


def test_dockerfile_rules() -> None:
    assert list(check_files.check_dockerfile(ROOT)) == []


def test_runtime_image_copies_no_emulator_sandbox_or_bench(tmp_path: Path) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copies = check_files.runtime_copy_lines(dockerfile)
    assert any("bot/" in line for line in copies)  # the runtime stage was found
    for line in copies:
        for name in ("tgemu", "sandbox", "bench", "tests"):
            assert name not in line, line
    # The checker catches a runtime stage that would ship the emulator or the sandbox.
    (tmp_path / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    (tmp_path / "Dockerfile").write_text(
        dockerfile.replace("COPY --chown=root:root bot/ bot/",
                           "COPY --chown=root:root bot/ bot/\nCOPY tgemu/ sandbox/ ./"))
    failures = list(check_files.check_dockerfile(tmp_path))
    assert any("must not copy sandbox, tgemu" in line for line in failures), failures
    (tmp_path / "Dockerfile").write_text(dockerfile)
    (tmp_path / ".dockerignore").write_text(".git\n.venv\n.env\n")
    failures = list(check_files.check_dockerfile(tmp_path))
    assert failures == [".dockerignore must exclude bench, sandbox, tests, tgemu"], failures


def test_runtime_image_copies_the_translation_catalogs(tmp_path: Path) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert any(line.split()[-1] == "locales/" for line in check_files.runtime_copy_lines(dockerfile))
    (tmp_path / ".dockerignore").write_text((ROOT / ".dockerignore").read_text())
    (tmp_path / "Dockerfile").write_text(
        dockerfile.replace("COPY --chown=root:root locales/ locales/\n", ""))
    failures = list(check_files.check_dockerfile(tmp_path))
    assert failures == ["Dockerfile: the runtime image must copy locales"], failures


def test_alb_health_check_uses_ready_and_autoscaling_bounds() -> None:
    resources = check_terraform.load_terraform()["resource"]
    for tg in resources["aws_lb_target_group"].values():
        checks = tg["health_check"]
        check = checks[0] if isinstance(checks, list) else checks
        assert check["path"] == "/ready"
        assert tg["port"] == 8000
    target = resources["aws_appautoscaling_target"]["app"]
    variables = check_terraform.load_terraform()["variable"]
    assert "var.min_capacity" in target["min_capacity"]
    assert variables["min_capacity"]["default"] == 2
    assert variables["max_capacity"]["default"] == 10
    assert variables["cpu_target_percent"]["default"] == 70


@pytest.fixture
def tf_copy(tmp_path: Path) -> Path:
    target = tmp_path / "terraform"
    shutil.copytree(INFRA / "terraform", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_checker_rejects_database_open_to_the_internet(tf_copy: Path) -> None:
    _edit(tf_copy / "security.tf",
          "security_groups = [aws_security_group.app.id]",
          'cidr_blocks = ["0.0.0.0/0"]')  # fmt: skip
    failures = check_terraform.check(tf_copy)
    assert any("aws_security_group.db" in f and "internet" in f for f in failures)


def test_checker_rejects_wrong_app_port(tf_copy: Path) -> None:
    _edit(tf_copy / "security.tf", "from_port       = 8000", "from_port       = 22")
    failures = check_terraform.check(tf_copy)
    assert any("aws_security_group.app" in f and "8000" in f for f in failures)


def test_checker_rejects_single_az_unencrypted_rds(tf_copy: Path) -> None:
    _edit(tf_copy / "rds.tf", "multi_az               = true", "multi_az               = false")
    _edit(tf_copy / "rds.tf", "storage_encrypted     = true", "storage_encrypted     = false")
    failures = check_terraform.check(tf_copy)
    assert any("multi_az" in f for f in failures)
    assert any("storage_encrypted" in f for f in failures)


def test_checker_rejects_unversioned_public_bucket(tf_copy: Path) -> None:
    _edit(tf_copy / "s3.tf", 'status = "Enabled"', 'status = "Suspended"')
    _edit(tf_copy / "s3.tf", "block_public_policy     = true", "block_public_policy     = false")
    failures = check_terraform.check(tf_copy)
    assert any("versioning" in f for f in failures)
    assert any("public access block" in f for f in failures)


def test_checker_rejects_an_app_role_that_can_delete_backups(tf_copy: Path) -> None:
    _edit(tf_copy / "ecs.tf", '"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"',
          '"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"')
    _edit(tf_copy / "s3.tf", "object_lock_enabled = true", "object_lock_enabled = false")
    failures = check_terraform.check(tf_copy)
    assert any("s3:DeleteObject on the backups bucket" in f for f in failures)
    assert any("aws_s3_bucket.backups: Object Lock" in f for f in failures)


def test_checker_requires_production_deletion_protection(tf_copy: Path) -> None:
    _edit(tf_copy / "environments" / "production.tfvars",
          "deletion_protection      = true", "deletion_protection      = false")  # fmt: skip
    assert any("deletion_protection" in f for f in check_terraform.check(tf_copy))


def test_broken_yaml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [1, 2\n")
    (tmp_path / "good.json").write_text('{"a": 1}')
    count, failures = check_files.check_json_yaml(tmp_path)
    assert count == 2
    assert len(failures) == 1 and "bad.yaml" in failures[0]
