"""Django's Redis cache, keeping one client per connection pool, and without memcached's key checks.

Django's client builds a new ``redis.Redis`` object for every cache operation, which costs
more than the network round trip on a page that reads the cache a few times. Redis clients
are thread-safe and share the pool, so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients_by_pool", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FastRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def make_and_validate_key(self, key, version=None):
        # Redis takes any key: Django's check, a warning for keys memcached would refuse, walks every
        # character of every key in Python, a few times a request.
        return self.make_key(key, version=version)
