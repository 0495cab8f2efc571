"""`clv-course doctor`: every problem named with the one command that fixes it."""

from __future__ import annotations

import shutil
from importlib import metadata

from clv_course import doctor
from clv_course.cli import main
from clv_course.datasets import datasets_dir
from clv_course.i18n import language


def test_the_doctor_finds_nothing_wrong_in_the_test_environment():
    findings = doctor.examine(start_kernel=True)
    assert [f for f in findings if not f.ok] == []
    names = {f.what for f in findings}
    assert {"Python", "pandas", "jupyterlab", "kernel", "jupyterlab-language-pack-de-DE"} <= names
    assert any(name.startswith("data:shop/") for name in names)


def test_the_checksum_list_names_every_data_file(root):
    listed = set(doctor.data_files(root / "datasets"))
    on_disk = {p.relative_to(root / "datasets").as_posix() for p in (root / "datasets").rglob("*")
               if p.is_file() and p.name not in ("README.md", doctor.CHECKSUMS)}
    assert listed == on_disk


def test_a_damaged_data_file_is_named_with_the_fix(tmp_path):
    copy = tmp_path / "datasets"
    shutil.copytree(datasets_dir(), copy)
    with (copy / "shop" / "transactions.csv").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"X")
    (copy / "cdnow" / "CDNOW_sample.txt").unlink()
    bad = {f.what: f for f in doctor.check_datasets(copy) if not f.ok}
    assert set(bad) == {"data:shop/transactions.csv", "data:cdnow/CDNOW_sample.txt"}
    assert "checksum" in bad["data:shop/transactions.csv"].detail
    assert bad["data:cdnow/CDNOW_sample.txt"].detail == "missing"
    assert all("git checkout -- datasets" in f.fix for f in bad.values())


def test_a_missing_package_is_named_with_the_pip_command_that_installs_it():
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)
    finding = doctor.check_package("pandas", "2.2.1", version_of=not_installed)
    assert not finding.ok and finding.detail == "not installed"
    assert finding.fix.endswith('-m pip install "pandas>=2.2.1"')


def test_a_package_older_than_the_course_needs_is_named():
    finding = doctor.check_package("pandas", "2.2.1", version_of=lambda name: "2.1.4")
    assert not finding.ok and "2.1.4 is older than 2.2.1" in finding.detail


def test_a_package_that_does_not_import_is_named():
    def broken(module):
        raise ImportError("libstdc++ missing")
    finding = doctor.check_package("scipy", "1.11.1", importer=broken)
    assert not finding.ok and "libstdc++ missing" in finding.detail


def test_the_doctor_exits_non_zero_and_prints_each_fix_when_something_is_wrong(monkeypatch,
                                                                              capsys):
    monkeypatch.setattr(doctor, "examine", lambda **kwargs: [
        doctor.Finding("Python", True, "3.11.7"),
        doctor.Finding("pandas", False, "not installed", 'python -m pip install "pandas>=2.2.1"')])
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert 'fix: python -m pip install "pandas>=2.2.1"' in out and "1 problem(s)" in out
    monkeypatch.setattr(doctor, "examine", lambda **kwargs: [doctor.Finding("Python", True, "3")])
    assert main(["doctor"]) == 0


def test_the_doctor_speaks_the_learners_language():
    with language("de"):
        text, status = doctor.report([doctor.Finding("pandas", False, "x", "pip install pandas")])
        fail = doctor._("FAIL")
    assert status == 1 and fail != "FAIL" and text.startswith(fail)
