"""Calls the Admin the way Rafiki 0.2.0's Python client does (rafiki/client/client.py):
the same `requests` calls, the same Bearer header, and its strict response check
(status 200, Content-Type exactly application/json or application/octet-stream).
Written for this project's tests; it drives the calls named on the command line.

Usage: rafiki_client.py ADMIN_URL EMAIL PASSWORD  (prints one JSON line per step)
"""
import json
import sys

import requests


class Client:
    def __init__(self, url):
        self._url = url
        self._token = None

    def login(self, email, password):
        data = self._post('/tokens', json={'email': email, 'password': password})
        self._token = data['token']
        return {'id': data['user_id'], 'user_type': data['user_type']}

    def create_user(self, email, password, user_type):
        return self._post('/users', json={'email': email, 'password': password, 'user_type': user_type})

    def get_users(self):
        return self._get('/users')

    def ban_user(self, email):
        return self._delete('/users', json={'email': email})

    def _headers(self):
        return {'Authorization': 'Bearer ' + self._token} if self._token is not None else {}

    def _get(self, path, params=None):
        return self._parse(requests.get(self._url + path, headers=self._headers(), params=params or {}))

    def _post(self, path, params=None, files=None, form_data=None, json=None):
        return self._parse(requests.post(self._url + path, headers=self._headers(), params=params or {},
                                         data=form_data, json=json, files=files or {}))

    def _delete(self, path, params=None, files=None, form_data=None, json=None):
        return self._parse(requests.delete(self._url + path, headers=self._headers(), params=params or {},
                                           data=form_data or {}, json=json, files=files))

    @staticmethod
    def _parse(res):
        if res.status_code != 200:
            raise RuntimeError(res.text)
        content_type = res.headers.get('content-type')
        if content_type == 'application/json':
            return res.json()
        if content_type == 'application/octet-stream':
            return res.content
        raise RuntimeError('Invalid response content type: {}'.format(content_type))


def main():
    url, email, password = sys.argv[1:4]
    client = Client(url)
    out = lambda step, value: print(json.dumps({'step': step, 'value': value}), flush=True)
    out('login', client.login(email, password))
    out('create_user', client.create_user('py-dev@example.com', 'python password', 'APP_DEVELOPER'))
    out('get_users', [u['email'] for u in client.get_users()])
    out('ban_user', client.ban_user('py-dev@example.com'))
    try:
        client.create_user('py-dev@example.com', 'python password', 'APP_DEVELOPER')
        out('duplicate', 'accepted')
    except RuntimeError as error:
        out('duplicate', json.loads(str(error)))


if __name__ == '__main__':
    main()
