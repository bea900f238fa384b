package io.sluice.state.dynamodb;

import io.sluice.state.StateStoreException;
import io.sluice.state.dynamodb.ChunkManifest.PageRef;
import io.sluice.state.dynamodb.ChunkManifest.SliceRef;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The head's manifest in both layouts: this build's sliced one and the whole-page one of builds before it. */
class ChunkManifestTest {

    private static byte[] digest(Random random) {
        byte[] d = new byte[16];
        random.nextBytes(d);
        return d;
    }

    private static ChunkManifest sample(long seed) {
        Random random = new Random(seed);
        List<PageRef> pages = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            List<SliceRef> slices = new ArrayList<>();
            for (int s = 0; s < 1 + random.nextInt(40); s++) {
                // runs of slices of one write, as a write leaves them
                long version = random.nextInt(3) == 0 ? random.nextLong() : 42L;
                slices.add(new SliceRef(version, s + random.nextInt(3), random.nextInt(400_000), digest(random),
                        version == 42L ? 1_765_000_000L : 1_765_000_000L + random.nextInt(100_000)));
            }
            pages.add(new PageRef(digest(random), false, slices));
        }
        return new ChunkManifest(4096, pages);
    }

    @Test
    void decode_returnsTheEncodedManifest_atAboutTwentyBytesASliceForSlicesOfOneWrite() {
        ChunkManifest manifest = sample(1);
        ChunkManifest decoded = ChunkManifest.decode(manifest.encode());

        assertThat(decoded.sliceTarget()).isEqualTo(4096);
        assertThat(decoded.pages()).hasSameSizeAs(manifest.pages());
        for (int p = 0; p < manifest.pages().size(); p++) {
            PageRef want = manifest.pages().get(p);
            PageRef got = decoded.pages().get(p);
            assertThat(got.digest()).isEqualTo(want.digest());
            assertThat(got.whole()).isFalse();
            assertThat(got.slices()).usingRecursiveFieldByFieldElementComparator().isEqualTo(want.slices());
        }
        List<SliceRef> oneWrite = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            oneWrite.add(new SliceRef(7L, s, 5000, new byte[16], 1_765_000_000L));
        }
        byte[] bytes = new ChunkManifest(4096, List.of(new PageRef(new byte[16], false, oneWrite))).encode();
        assertThat(bytes.length / 1000.0).isBetween(19.0, 22.0);
    }

    @Test
    void aWholePageManifest_ofABuildBeforeSlices_decodesToWholePages() {
        byte[] d = new byte[16];
        d[0] = 9;
        byte[] bytes = WholePageManifests.encode(List.of(new WholePageManifests.Page(0x1234L, 3, d, 1_765_000_000L),
                new WholePageManifests.Page(-5L, 1, new byte[16], 1_765_000_100L)));

        ChunkManifest decoded = ChunkManifest.decode(bytes);

        assertThat(decoded.sliceTarget()).isZero();
        assertThat(decoded.pages()).hasSize(2);
        PageRef first = decoded.pages().get(0);
        assertThat(first.whole()).isTrue();
        assertThat(first.digest()).isEqualTo(d);
        assertThat(first.sameBytes(d)).as("a whole-page digest is never a plain-bytes digest").isFalse();
        assertThat(first.slices()).extracting(SliceRef::version, SliceRef::ordinal, SliceRef::writtenAtSeconds)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0x1234L, 0, 1_765_000_000L),
                        org.assertj.core.groups.Tuple.tuple(0x1234L, 1, 1_765_000_000L),
                        org.assertj.core.groups.Tuple.tuple(0x1234L, 2, 1_765_000_000L));
        assertThat(decoded.pages().get(1).slices()).singleElement().extracting(SliceRef::version).isEqualTo(-5L);
    }

    @Test
    void aSlicedManifest_readByTheDecoderOfABuildBeforeSlices_failsLoudly() {
        byte[] bytes = sample(2).encode();

        assertThatThrownBy(() -> WholePageManifests.decode(bytes)).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("malformed varint");
    }

    @Test
    void truncatedOrUnknownManifests_areRefused() {
        byte[] bytes = sample(3).encode();
        assertThatThrownBy(() -> ChunkManifest.decode(java.util.Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(StateStoreException.class).hasMessageContaining("truncated");
        byte[] future = bytes.clone();
        future[10] = 4;
        assertThatThrownBy(() -> ChunkManifest.decode(future)).isInstanceOf(StateStoreException.class)
                .hasMessageContaining("unknown chunk manifest format 4");
    }

    @Test
    void aLoggedManifest_decodesWithItsDeltas_inFormat3_andOneWithoutALog_staysFormat2() {
        ChunkManifest base = sample(4);
        ChunkManifest logged = base.withDelta(new ChunkManifest.DeltaRef(-5L, 1_765_000_100L, List.of(900, 12)))
                .withDelta(new ChunkManifest.DeltaRef(77L, 1_765_000_200L, List.of(3)));

        byte[] bytes = logged.encode();
        ChunkManifest decoded = ChunkManifest.decode(bytes);

        assertThat(bytes[10]).isEqualTo((byte) 3);
        assertThat(base.encode()[10]).isEqualTo((byte) 2);
        assertThat(decoded.log()).isEqualTo(logged.log());
        assertThat(decoded.logStoredBytes()).isEqualTo(915);
        assertThat(decoded.baseStoredBytes()).isEqualTo(base.baseStoredBytes());
        assertThat(decoded.pages()).hasSameSizeAs(base.pages());
        assertThat(decoded.oldestWriteSeconds()).isEqualTo(base.oldestWriteSeconds());
        assertThat(ChunkManifest.decode(decoded.encode()).encode()).isEqualTo(bytes);
    }
}
