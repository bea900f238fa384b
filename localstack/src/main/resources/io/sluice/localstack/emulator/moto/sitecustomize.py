"""Makes moto_server's table Query read only the queried partition, as DynamoDB does.

EmulatorAws starts moto_server with this file's directory on PYTHONPATH, so Python loads it at start-up. moto 5's
Table.query gathers its candidates from all_items(), which sorts every item of the table, then keeps those of the
queried partition: each page costs O(n log n) in the table's size. A session round at 10M orders queries a pane of a
table of millions of items, and the page took longer than the SDK's 60 s call timeout. DynamoDB reads one partition.

Here all_items() answers, inside a table Query only, with the queried partition's items in the same order (sorted by
hash and range key as moto sorts them), so a Query returns exactly what moto returns, at the partition's cost. Index
queries, scans and every other caller of all_items() are untouched. If moto's code does not look as this expects, it
runs as shipped and says so in moto.log.
"""
import inspect
import sys
import threading


def _install():
    from moto.dynamodb.models.table import Table

    query = Table.query
    all_items = Table.all_items
    parameters = inspect.signature(query).parameters
    if "hash_key" not in parameters or "index_name" not in parameters or not hasattr(Table, "all_items"):
        raise RuntimeError("Table.query has an unexpected signature: " + str(list(parameters)))
    signature = inspect.signature(query)
    current = threading.local()

    def partition_items(self):
        hash_key = getattr(current, "hash_key", None)
        if hash_key is None:
            return all_items(self)
        found = self.items.get(hash_key)  # .get: the table's defaultdict must not grow a partition
        if found is None:
            return []
        items = list(found.values()) if self.range_key_attr else [found]
        return sorted(items, key=lambda x: (x.hash_key, x.range_key) if x.range_key else x.hash_key)

    def partition_query(self, *args, **kwargs):
        call = signature.bind(self, *args, **kwargs)
        if call.arguments.get("index_name") or call.arguments.get("hash_key") is None:
            return query(self, *args, **kwargs)
        current.hash_key = call.arguments["hash_key"]
        try:
            return query(self, *args, **kwargs)
        finally:
            current.hash_key = None

    Table.all_items = partition_items
    Table.query = partition_query


try:
    _install()
    print("sluice: moto_server's table Query reads the queried partition only", file=sys.stderr, flush=True)
except Exception as e:  # noqa: BLE001 - any surprise leaves moto as shipped
    print("sluice: moto_server's table Query left as shipped (" + repr(e) + ")", file=sys.stderr, flush=True)
