package io.backchannel.standalone;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.nio.file.Path;
import java.util.List;

/**
 * mongo-java-server's H2 backend, with unique indexes whose keys are ordered by {@link IndexKeyType}, and
 * documents written as BSON ({@link DocumentValueType}).
 *
 * <p>The backend opens an index's map with H2's default key type, which compares keys by serialising them;
 * under send load that was half of this store's CPU and over half of all the heap the server allocated. The
 * backend asks the store for the map by name, and a store hands out a map that is already open as it is, so
 * each index map is opened here first, with the comparing key type, under the name the backend will ask for;
 * each collection's map likewise, with the BSON value type.
 *
 * <p>Both types read what the defaults wrote, so only the order of the B-tree needs converting: a store from
 * before, which lacks the {@link #KEY_ORDER} mark, has its index maps re-sorted as it opens, all in one commit.
 */
final class ProjectionStore extends H2Backend {

    static final String FORMAT_MAP = "backchannel.format";
    static final String KEY_ORDER = "indexKeyOrder";
    static final String KEYS_BY_VALUE = "by value";
    /** How the backend names an index's map: {@code <database>.<collection>._index_<index name>}. */
    private static final String INDEX_MAP = "._index_";
    /** How the backend names a collection's map: {@code databases.<database>.<collection>}. */
    private static final String COLLECTION_MAP = "databases.";

    private ProjectionStore(MVStore store) {
        super(withIndexKeysByValue(store));
    }

    /**
     * The store in {@code file}, which commits only when told to (see {@link EmbeddedStores}). H2's
     * {@code autoCommitDisabled()} only stops its timer: without a zero buffer size the store still wrote itself
     * from inside a write whenever 19 MB of changes were unsaved, which under send load was several times a
     * second, in the middle of batches and between a document and its index entries.
     */
    static ProjectionStore open(Path file) {
        return new ProjectionStore(new MVStore.Builder().fileName(file.toString())
                .autoCommitDisabled().autoCommitBufferSize(0).open());
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName);
    }

    /** Opens every index map with the comparing key type, and every collection's with the BSON value type, before the backend does. */
    private final class Database extends H2Database {

        Database(String name) {
            super(name, ProjectionStore.this.getMvStore(), ProjectionStore.this.getCursorRegistry());
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            indexMap(ProjectionStore.this.getMvStore(), getFullCollectionNamespace(collectionName) + INDEX_MAP + indexName);
            return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            ProjectionStore.this.getMvStore().openMap(COLLECTION_MAP + getFullCollectionNamespace(collectionName),
                    new MVMap.Builder<Object, Object>().valueType(new DocumentValueType()));
            return super.openOrCreateCollection(collectionName, options);
        }
    }

    private static MVMap<Object, Object> indexMap(MVStore store, String name) {
        return store.openMap(name, new MVMap.Builder<Object, Object>().keyType(new IndexKeyType()));
    }

    private static MVStore withIndexKeysByValue(MVStore store) {
        MVMap<String, String> format = store.openMap(FORMAT_MAP);
        if (!KEYS_BY_VALUE.equals(format.get(KEY_ORDER))) {
            List<String> indexMaps = store.getMapNames().stream().filter(name -> name.contains(INDEX_MAP)).toList();
            for (String name : indexMaps) {
                MVMap<Object, Object> serialised = store.openMap(name);
                MVMap<Object, Object> byValue = indexMap(store, name + ".resorting");
                byValue.putAll(serialised);
                store.removeMap(serialised);
                store.renameMap(byValue, name);
            }
            format.put(KEY_ORDER, KEYS_BY_VALUE);
            store.commit();
        }
        return store;
    }
}
