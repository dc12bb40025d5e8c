"""`import keras` loads what a Keras program needs, and nothing heavy it may never use."""
import subprocess
import sys

# Loaded on first use only: the torch.compile machinery (jit_compile=True), SciPy
# (image augmentation), requests (RemoteMonitor).
_DEFERRED = ('torch._dynamo', 'torch._inductor', 'scipy', 'requests', 'tensorboard')


def test_import_keras_defers_the_compiler_and_optional_packages():
    code = ('import sys, keras, keras.models, keras.layers, keras.callbacks, '
            'keras.preprocessing.image\n'
            'print(" ".join(m for m in %r if m in sys.modules))' % (_DEFERRED,))
    out = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE,
                         check=True, universal_newlines=True).stdout.strip()
    assert out == '', 'imported by `import keras`: %s' % out


def test_deferred_compiler_wrapper_still_keeps_functions_out_of_the_graph():
    import torch

    from keras.backend.outside_graph import outside_compiled_graph
    seen = []

    @outside_compiled_graph
    def kernel(x):
        seen.append(torch.compiler.is_compiling())
        return x * 2

    compiled = torch.compile(lambda x: kernel(x + 1) - 1, backend='eager')
    assert torch.equal(compiled(torch.ones(3)), torch.full((3,), 3.0))
    assert torch.equal(kernel(torch.ones(2)), torch.full((2,), 2.0))
    assert seen == [False, False]  # run eagerly, not traced
