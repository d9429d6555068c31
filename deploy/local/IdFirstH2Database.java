package de.bwaldvogel.mongo.backend.h2;

import java.lang.reflect.Field;
import java.util.List;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;

/**
 * mongo-java-server's H2 database, with one change: a filter that names {@code _id} (a value
 * or {@code $in}) beside other fields is answered through the {@code _id} index, then
 * matched in full. mongo-java-server uses an index only when the filter's fields are exactly
 * the index's, so every guarded update ({@code {_id, status, dispatch_no}}) and every
 * {@code {_id, version}} compare-and-set read the whole collection: the more cases stored,
 * the slower each one (a thread dump of the benchmark: workers in a full-collection cursor).
 * MongoDB itself plans such filters on {@code _id}; this makes the local database do the same.
 * In this package because H2UniqueIndex's constructor is package-private.
 */
public class IdFirstH2Database extends H2Database {
    public IdFirstH2Database(String name, MVStore store, CursorRegistry cursors) {
        super(name, store, cursors);
    }

    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collection, String name, List<IndexKey> keys, boolean sparse) {
        Index<Object> index = super.openOrCreateUniqueIndex(collection, name, keys, sparse);
        if (keys.size() != 1 || !"_id".equals(keys.get(0).getKey()) || !(index instanceof H2UniqueIndex)) {
            return index;
        }
        return new IdFirstUniqueIndex(mapOf((H2UniqueIndex) index), name, keys, sparse);
    }

    @SuppressWarnings("unchecked")
    private static MVMap<KeyValue, Object> mapOf(H2UniqueIndex index) {
        try {
            Field field = H2UniqueIndex.class.getDeclaredField("mvMap");
            field.setAccessible(true);
            return (MVMap<KeyValue, Object>) field.get(index);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mongo-java-server changed H2UniqueIndex: update IdFirstH2Database", e);
        }
    }
}

final class IdFirstUniqueIndex extends H2UniqueIndex {
    IdFirstUniqueIndex(MVMap<KeyValue, Object> map, String name, List<IndexKey> keys, boolean sparse) {
        super(map, name, keys, sparse);
    }

    /** The {@code _id} part of a filter with more fields, or null. */
    private static Document idPart(Document query) {
        if (query.size() < 2 || !query.containsKey("_id")) {
            return null;
        }
        Document byId = new Document();
        byId.put("_id", query.get("_id"));
        return byId;
    }

    @Override
    public synchronized boolean canHandle(Document query) {
        if (super.canHandle(query)) {
            return true;
        }
        Document byId = idPart(query);
        return byId != null && super.canHandle(byId);
    }

    @Override
    public synchronized Iterable<Object> getPositions(Document query) {
        if (super.canHandle(query)) {
            return super.getPositions(query);
        }
        // Candidates by _id only; the collection then matches each against the whole filter.
        return super.getPositions(idPart(query));
    }
}
