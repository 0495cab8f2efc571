"""The set-up promises of the README: two commands, two package lists that agree."""

from __future__ import annotations

import re
import tomllib

import yaml


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement.split("#")[0])
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def _pyproject(root) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text())


def _pyproject_requirements(root) -> dict[str, str]:
    project = _pyproject(root)["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_name_and_spec(r) for r in requirements)


def _conda_requirements(root) -> dict[str, str]:
    """conda-forge's packages and those the pip section takes from PyPI (not the course itself)."""
    environment = yaml.safe_load((root / "environment.yml").read_text())
    entries = [e for e in environment["dependencies"] if isinstance(e, str)]
    entries += [e for section in environment["dependencies"] if isinstance(section, dict)
                for e in section.get("pip", []) if not e.startswith("-")]
    return dict(_name_and_spec(e) for e in entries if _name_and_spec(e)[0] not in ("python", "pip"))


def test_environment_yml_names_the_same_packages_and_bounds_as_pyproject(root):
    assert _conda_requirements(root) == _pyproject_requirements(root)


def test_environment_yml_uses_conda_forge_and_the_same_python(root):
    environment = yaml.safe_load((root / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge"]
    python = [e for e in environment["dependencies"] if isinstance(e, str) and e.startswith("python")]
    assert python == ["python" + _pyproject(root)["project"]["requires-python"]]


def test_every_dependency_line_says_why_it_is_there(root):
    lines = [line for line in (root / "pyproject.toml").read_text().splitlines()
             if re.match(r'\s+"[A-Za-z].*>=', line)]
    assert lines, "no dependency lines found"
    assert [line for line in lines if "#" not in line] == []


def test_readme_explains_every_dependency(root):
    table = (root / "README.md").read_text().split("## Dependencies", 1)[1].split("\n## ", 1)[0]
    explained = {name.strip().lower() for row in table.splitlines() if row.startswith("| ")
                 for name in row.split("|")[1].replace("(test)", "").split(",")}
    assert set(_pyproject_requirements(root)) <= explained


def test_readme_starts_with_the_two_commands(root):
    first_lines = "\n".join((root / "README.md").read_text().splitlines()[:6])
    assert "make lab" in first_lines and "make test" in first_lines


def _recipe(makefile: str, target: str) -> str:
    return makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]


def _sandbox_recipe(makefile: str) -> str:
    return _recipe(makefile, "sandbox")


def test_makefile_needs_only_python3_venv_and_pip(root):
    makefile = (root / "Makefile").read_text()
    without_optional_sandbox = makefile.replace(_recipe(makefile, "sandbox"), "").replace(
        _recipe(makefile, "browser"), "")
    assert "$(PYTHON) -m venv" in makefile and "pip install" in makefile
    assert not re.search(r"\b(conda|uv|poetry|apt-get|curl|wget)\b", without_optional_sandbox)


def test_installing_the_grading_sandbox_is_best_effort_and_never_fails_the_tests(root):
    recipe = _sandbox_recipe((root / "Makefile").read_text())
    assert recipe.rstrip().endswith('echo "bubblewrap could not be installed: grading tests run '
                                    'without a sandbox"')


def test_installing_the_test_browser_is_best_effort_and_never_fails_the_tests(root):
    recipe = _recipe((root / "Makefile").read_text(), "browser")
    assert recipe.rstrip().endswith('echo "chromium could not be installed: the browser tests are '
                                    'skipped"')


def test_every_learner_module_is_reachable_from_the_package_alone():
    # after a kernel restart, chapter 3 reaches clv.cohorts before anything imported it
    import subprocess
    import sys
    code = ("import clv_course as clv\n"
            "for name in ('cohorts', 'summary', 'segments', 'levers', 'channels', 'models'):\n"
            "    getattr(clv, name)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", version)]  # 4.2.post0 -> 4, 2, 0
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _lower_bound(spec: str) -> str:
    return next(part[2:] for part in spec.split(",") if part.startswith(">="))


def _lowest_pins(root) -> dict[str, str]:
    lines = (root / "constraints" / "lowest.txt").read_text().splitlines()
    pins = [line.split("#")[0].strip() for line in lines]
    return {name.strip().lower().replace("_", "-"): version.strip()
            for name, version in (pin.split("==") for pin in pins if pin)}


def test_the_lowest_constraints_pin_every_dependency_at_its_lower_bound(root):
    requirements = _pyproject_requirements(root)
    pins = _lowest_pins(root)
    assert set(pins) == set(requirements)
    assert {name: _release(version) for name, version in pins.items()} == {
        name: _release(_lower_bound(spec)) for name, spec in requirements.items()}


def test_lowest_and_newest_have_their_own_environments_and_run_the_fast_tests(root):
    makefile = (root / "Makefile").read_text()
    lowest = _recipe(makefile, "$(LOWEST_VENV)/.installed")
    newest = _recipe(makefile, "test-newest")
    assert 'pip install --quiet -c constraints/lowest.txt -e ".[test]"' in lowest
    assert "--upgrade" in newest.split('-e ".[test]"')[0].split("pip install")[-1]
    assert 'FAST_ARGS   ?= -m "not slow"' in makefile
    for target in ("test-lowest", "test-newest"):
        assert "$(FAST_ARGS)" in _recipe(makefile, target)
        assert target not in _recipe(makefile, "test")


def test_the_oldest_environment_runs_the_whole_suite(root):
    oldest = _recipe((root / "Makefile").read_text(), "test-oldest")
    assert "$(LOWEST_VENV)/bin/python -m pytest $(PYTEST_ARGS)" in oldest
    assert "$(FAST_ARGS)" not in oldest


def test_ci_runs_the_readmes_test_command_and_then_the_whole_suite_at_the_lower_bounds(root):
    commands = [line.strip() for line in (root / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert commands[-2:] == ["make test", "make test-oldest"]
