"""Temporary files of saves: named by their writer, cleaned after a crash."""
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import keras
from keras.utils.temp_files import remove_stale_temp_files, temp_file_for

# A child that saves a model and is stopped inside the save, after the whole
# file was written to its temporary name but before the rename.
_STALLED_SAVE = r'''
import sys, time
import h5py
import keras
target, ready = sys.argv[1], sys.argv[2]
model = keras.models.Sequential([keras.layers.Dense(64, input_shape=(32,))])
def stall(self):
    open(ready, 'w').close()
    time.sleep(600)
h5py.File.flush = stall
model.save(target)
'''


def _temp_files(folder):
    return sorted(n for n in os.listdir(str(folder)) if n.endswith('.tmp'))


def _small_model():
    model = keras.models.Sequential([keras.layers.Dense(3, input_shape=(4,))])
    model.compile('sgd', 'mse')
    return model


def _start_stalled_saves(tmp_path, target, count):
    children = []
    for i in range(count):
        ready = tmp_path / ('ready%d' % i)
        env = dict(os.environ, KERAS_DEVICE='cpu', OMP_NUM_THREADS='1')
        child = subprocess.Popen([sys.executable, '-c', _STALLED_SAVE, str(target), str(ready)],
                                 env=env)
        children.append((child, ready))
    deadline = time.time() + 240
    for child, ready in children:
        while not ready.exists():
            assert child.poll() is None, 'the saving child died before it stalled'
            assert time.time() < deadline, 'the saving child never reached its save'
            time.sleep(0.1)
    return [child for child, _ in children]


@pytest.mark.timeout(300)
def test_saves_killed_with_sigkill_leave_nothing_after_the_next_save(tmp_path):
    target = tmp_path / 'model.h5'
    model = _small_model()
    model.save(str(target))
    expected = model.predict(np.ones((2, 4)))
    killed, alive = None, None
    try:
        children = _start_stalled_saves(tmp_path, target, 2)
        killed, alive = children[:1], children[1]
        assert len(_temp_files(tmp_path)) == 2
        for child in killed:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert len(_temp_files(tmp_path)) == 2  # a killed writer cannot clean up
        # The target was never touched, and the next save removes the files of the
        # dead writers but not the one of the writer still at work.
        loaded = keras.models.load_model(str(target))
        np.testing.assert_allclose(loaded.predict(np.ones((2, 4))), expected, rtol=1e-6)
        model.save(str(target))
        left = _temp_files(tmp_path)
        assert len(left) == 1 and ('.%d-' % alive.pid) in left[0]
        alive.send_signal(signal.SIGKILL)
        alive.wait()
        model.save_weights(str(target))  # any write of the target cleans up
        assert _temp_files(tmp_path) == []
    finally:
        for child in (killed or []) + ([alive] if alive else []):
            if child.poll() is None:
                child.kill()
                child.wait()


def test_a_failed_save_in_process_leaves_nothing(tmp_path):
    model = _small_model()

    def broken(group):
        group.create_dataset('x', data=np.zeros(10))
        raise RuntimeError('disk trouble')

    from keras.saving.hdf5 import write_h5
    with pytest.raises(RuntimeError, match='disk trouble'):
        write_h5(str(tmp_path / 'm.h5'), True, broken)
    assert os.listdir(str(tmp_path)) == []
    model.save(str(tmp_path / 'm.h5'))
    assert os.listdir(str(tmp_path)) == ['m.h5']


def test_own_file_in_progress_is_kept_and_others_of_other_targets_untouched(tmp_path):
    target = tmp_path / 'a.h5'
    other = tmp_path / '.b.h5.999999-zz.tmp'
    other.write_bytes(b'')
    with temp_file_for(str(target)) as tmp:
        assert os.path.basename(tmp).startswith('.a.h5.%d-' % os.getpid())
        assert remove_stale_temp_files(str(target)) == []
        assert os.path.exists(tmp)
    assert not os.path.exists(tmp)
    assert other.exists()


def test_file_of_an_exited_process_is_stale(tmp_path):
    done = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          stdout=subprocess.PIPE, check=True)
    dead_pid = int(done.stdout)
    stale = tmp_path / ('.m.h5.%d-abc_12.tmp' % dead_pid)
    stale.write_bytes(b'half a model')
    assert remove_stale_temp_files(str(tmp_path / 'm.h5')) == [str(stale)]


def test_old_unnamed_temp_files_are_removed_once_old(tmp_path):
    fresh = tmp_path / '.m.h5.k2j3h4.tmp'
    old = tmp_path / '.m.h5.zz91aa.tmp'
    fresh.write_bytes(b'')
    old.write_bytes(b'')
    an_hour_ago = time.time() - 3600
    os.utime(str(old), (an_hour_ago, an_hour_ago))
    assert remove_stale_temp_files(str(tmp_path / 'm.h5')) == [str(old)]
    assert fresh.exists()


def test_save_errors_name_the_target_and_the_cause(tmp_path):
    model = _small_model()
    afile = tmp_path / 'afile'
    afile.write_bytes(b'')
    with pytest.raises(NotADirectoryError, match='is a file, not a folder') as info:
        model.save(str(afile / 'm.h5'))
    assert str(afile / 'm.h5') in str(info.value)


def test_unwritable_folder_error_names_the_target_not_the_temp_file(tmp_path, monkeypatch):
    import tempfile

    def refuse(dir=None, prefix='', suffix=''):
        raise PermissionError(13, 'Permission denied', os.path.join(dir, prefix + 'x' + suffix))
    monkeypatch.setattr(tempfile, 'mkstemp', refuse)
    with pytest.raises(PermissionError) as info:
        _small_model().save(str(tmp_path / 'm.h5'))
    assert str(tmp_path / 'm.h5') in str(info.value)
    assert 'Permission denied' in str(info.value)
    assert '.tmp' not in str(info.value)
