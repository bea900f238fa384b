"""Makes moto_server's DynamoDB answer as DynamoDB does where Sluice's tests depend on it.

1. Each DynamoDB request is atomic. moto_server serves requests on threads, and its TransactWriteItems copies every
   table it writes, then on a cancelled transaction (a condition failed) puts the copies back: a write another request
   made meanwhile is undone, though it was acknowledged (measured: 1 put of 600 lost against cancelled transactions on
   the same table), and a read meanwhile can see a transaction half applied. Firing claims are conditional
   transactions on the coordination table, so a lost claim or split update made chaos tests fail now and then
   ("Slot ... is claimed by [a], not [b]"). One lock around every operation of the DynamoDB backend makes each request
   all or nothing to every other, as DynamoDB's are (moto answers one request at a time under Python's GIL anyway).

2. A table Query reads only the queried partition.

EmulatorAws starts moto_server with this file's directory on PYTHONPATH, so Python loads it at start-up. moto 5's
Table.query gathers its candidates from all_items(), which sorts every item of the table, then keeps those of the
queried partition: each page costs O(n log n) in the table's size. A session round at 10M orders queries a pane of a
table of millions of items, and the page took longer than the SDK's 60 s call timeout. DynamoDB reads one partition.

For 2: all_items() answers, inside a table Query only, with the queried partition's items in the same order (sorted by
hash and range key as moto sorts them), so a Query returns exactly what moto returns, at the partition's cost. Index
queries, scans and every other caller of all_items() are untouched. If moto's code does not look as this expects, it
runs as shipped and says so in moto.log.
"""
import inspect
import sys
import threading


def _serialize_requests():
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()  # reentrant: backend operations call one another (batch writes call put_item)

    def locked(method):
        def call(*args, **kwargs):
            with lock:
                return method(*args, **kwargs)
        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        call.__wrapped__ = method
        return call

    wrapped = 0
    for name, member in list(vars(DynamoDBBackend).items()):
        if not name.startswith("_") and inspect.isfunction(member):
            setattr(DynamoDBBackend, name, locked(member))
            wrapped += 1
    if "transact_write_items" not in vars(DynamoDBBackend) or wrapped < 10:
        raise RuntimeError("DynamoDBBackend has an unexpected shape: " + str(wrapped) + " operations")


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
    _serialize_requests()
    print("sluice: moto_server's DynamoDB requests are atomic to one another", file=sys.stderr, flush=True)
except Exception as e:  # noqa: BLE001 - any surprise leaves moto as shipped
    print("sluice: moto_server's DynamoDB requests left as shipped (" + repr(e) + ")", file=sys.stderr, flush=True)

try:
    _install()
    print("sluice: moto_server's table Query reads the queried partition only", file=sys.stderr, flush=True)
except Exception as e:  # noqa: BLE001 - any surprise leaves moto as shipped
    print("sluice: moto_server's table Query left as shipped (" + repr(e) + ")", file=sys.stderr, flush=True)
