import http.server
import json
import threading
import types
import urllib.parse

import numpy as np
import pytest
import torch

from keras.callbacks import RemoteMonitor, remote


class _Handler(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length'])).decode('utf-8')
        _Handler.received.append((self.path, self.headers['Content-Type'], body,
                                  self.headers.get('X-Token')))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.received = []
    httpd = http.server.HTTPServer(('127.0.0.1', 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


_LOGS = {'loss': np.float32(0.5), 'acc': torch.tensor(0.25), 'val_loss': 1.5}
_SENT = {'epoch': 3, 'loss': 0.5, 'acc': 0.25, 'val_loss': 1.5}


def test_posts_form_field_without_requests(server, monkeypatch):
    monkeypatch.setattr(remote, 'requests', None)
    RemoteMonitor(root=server, headers={'X-Token': 'abc'}).on_epoch_end(3, dict(_LOGS))
    path, content_type, body, token = _Handler.received[0]
    assert path == '/publish/epoch/end/' and token == 'abc'
    assert content_type == 'application/x-www-form-urlencoded'
    form = urllib.parse.parse_qs(body)
    assert json.loads(form['data'][0]) == _SENT


def test_posts_json_without_requests(server, monkeypatch):
    monkeypatch.setattr(remote, 'requests', None)
    RemoteMonitor(root=server, path='/x', send_as_json=True).on_epoch_end(3, dict(_LOGS))
    path, content_type, body, _ = _Handler.received[0]
    assert (path, content_type) == ('/x', 'application/json')
    assert json.loads(body) == _SENT


def test_unreachable_server_warns(monkeypatch):
    monkeypatch.setattr(remote, 'requests', None)
    with pytest.warns(UserWarning, match='could not reach RemoteMonitor root server at '
                                         'http://127.0.0.1:1'):
        RemoteMonitor(root='http://127.0.0.1:1').on_epoch_end(0, {'loss': 1.0})


def test_uses_requests_when_installed(monkeypatch):
    calls = []

    class RequestException(IOError):
        pass

    def post(url, data=None, json=None, headers=None):
        calls.append((url, data, json, headers))
        if url.startswith('http://down'):
            raise RequestException('down')

    exceptions = types.SimpleNamespace(RequestException=RequestException)
    fake = types.SimpleNamespace(post=post, exceptions=exceptions)
    monkeypatch.setattr(remote, 'requests', fake)
    RemoteMonitor(root='http://a', field='f').on_epoch_end(3, dict(_LOGS))
    RemoteMonitor(root='http://a', send_as_json=True).on_epoch_end(3, dict(_LOGS))
    assert calls[0][0] == 'http://a/publish/epoch/end/'
    assert json.loads(calls[0][1]['f']) == _SENT
    assert calls[1][2] == _SENT
    with pytest.warns(UserWarning, match='could not reach'):
        RemoteMonitor(root='http://down').on_epoch_end(0, {})
