"""Caches are keyed on the resolved path and modification time of what they read, and clear."""

from __future__ import annotations

import os
import shutil

import si_thermal as st
from si_thermal import config, paths
from si_thermal.config import loader


def test_an_edited_file_is_read_again(tmp_path, monkeypatch):
    src = paths.boards_dir() / "host_tray_m7.toml"
    f = tmp_path / "board.toml"
    shutil.copy(src, f)
    shutil.copy(paths.boards_dir() / "materials.toml", tmp_path / "materials.toml")
    first = config.load_stackup(f)
    text = f.read_text()
    name = first.stackup.name
    f.write_text(text.replace(f'"{name}"', f'"{name} edited"', 1))
    st_ = f.stat()
    os.utime(f, ns=(st_.st_atime_ns, st_.st_mtime_ns + 1_000_000))  # a new mtime even on coarse clocks
    assert config.load_stackup(f).stackup.name == f"{name} edited"
    monkeypatch.chdir(tmp_path)  # the same file by another spelling is the same key
    assert config.load_stackup("board.toml").stackup.name == f"{name} edited"


def test_clear_caches_empties_them():
    config.load_stackup(paths.boards_dir() / "host_tray_m7.toml")
    assert loader._load_stackup_cached.cache_info().currsize > 0
    st.clear_caches()
    assert loader._load_stackup_cached.cache_info().currsize == 0
