"""``RemoteMonitor``: post epoch results to an HTTP server."""
import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np
import torch

from keras.callbacks.base import Callback


def _requests():
    """The ``requests`` package, imported on first use; None when it is not
    installed (the standard library does the job).  Kept as the module
    attribute ``requests``."""
    if 'requests' not in globals():
        try:
            import requests
        except ImportError:
            requests = None
        globals()['requests'] = requests
    return globals()['requests']


def __getattr__(name):
    if name == 'requests':
        return _requests()
    raise AttributeError('module %r has no attribute %r' % (__name__, name))

__all__ = ['RemoteMonitor']


def _jsonable(value):
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item() if value.size == 1 else value.tolist()
    return value


class RemoteMonitor(Callback):
    """Sends the epoch logs to ``root + path`` as an HTTP POST after each epoch.

    The payload is the JSON of ``{'epoch': epoch, **logs}``, sent either as a
    form field ``field`` (the default) or as the JSON body.  Uses ``requests``
    when it is installed, the standard library otherwise.

    Args:
        root: root URL of the server.
        path: path, relative to ``root``, the events are posted to.
        field: form field holding the JSON (when ``send_as_json=False``).
        headers: optional dict of extra HTTP headers.
        send_as_json: post the JSON as the body, ``application/json``.
    """

    def __init__(self, root='http://localhost:9000', path='/publish/epoch/end/', field='data',
                 headers=None, send_as_json=False):
        super(RemoteMonitor, self).__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        send = {'epoch': epoch}
        for key, value in (logs or {}).items():
            send[key] = _jsonable(value)
        url = self.root + self.path
        requests = _requests()
        if requests is not None:
            post, errors = self._post_requests, requests.exceptions.RequestException
        else:
            post, errors = self._post_urllib, (OSError, ValueError)
        try:
            post(url, send)
        except errors:
            warnings.warn('Warning: could not reach RemoteMonitor root server at ' + str(self.root))

    def _post_requests(self, url, send):
        requests = _requests()
        if self.send_as_json:
            requests.post(url, json=send, headers=self.headers)
        else:
            requests.post(url, {self.field: json.dumps(send)}, headers=self.headers)

    def _post_urllib(self, url, send):
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode('utf-8')
            headers.setdefault('Content-Type', 'application/json')
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode('utf-8')
            headers.setdefault('Content-Type', 'application/x-www-form-urlencoded')
        request = urllib.request.Request(url, data=body, headers=headers, method='POST')
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except urllib.error.HTTPError:
            pass  # the server answered; like `requests`, an error status is not raised
