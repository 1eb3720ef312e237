package io.rampart.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobPinsTest {
    @TempDir
    Path dir;

    private static String store(BlobStore blobs, byte[] data) throws Exception {
        try (BlobStore.PendingBlob p = blobs.create()) {
            p.out().write(data);
            return p.commit();
        }
    }

    @Test
    void aBlobDeletedWhileAReadHoldsItIsDeletedWhenTheLastReaderLetsGo() throws Exception {
        LocalBlobStore blobs = new LocalBlobStore(dir, false);
        String id = store(blobs, new byte[] {1, 2, 3});
        BlobStore.Pin first = blobs.pin(List.of(id));
        BlobStore.Pin second = blobs.pin(List.of(id));
        blobs.delete(id);
        try (InputStream in = blobs.open(id, 0, 3)) {
            assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
        }
        first.close();
        first.close(); // closing twice lets go once
        try (InputStream in = blobs.open(id, 1, 2)) {
            assertThat(in.readAllBytes()).containsExactly(2, 3);
        }
        second.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> blobs.open(id, 0, 3))
                .isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aBlobNobodyHoldsIsDeletedAtOnceAndAPinOfAnotherBlobLeavesItAlone() throws Exception {
        LocalBlobStore blobs = new LocalBlobStore(dir, false);
        String kept = store(blobs, new byte[] {9});
        String gone = store(blobs, new byte[] {8});
        try (BlobStore.Pin pin = blobs.pin(List.of(kept))) {
            blobs.delete(gone);
            try (var files = Files.walk(dir.resolve("blobs"))) {
                assertThat(files.filter(Files::isRegularFile)
                                .map(p -> p.getFileName().toString()))
                        .containsExactly(kept);
            }
        }
    }

    @Test
    void aPinHeldAndReleasedWithoutADeleteKeepsTheBlob() throws Exception {
        LocalBlobStore blobs = new LocalBlobStore(dir, false);
        String id = store(blobs, new byte[] {5});
        blobs.pin(List.of(id)).close();
        try (InputStream in = blobs.open(id, 0, 1)) {
            assertThat(in.readAllBytes()).containsExactly(5);
        }
    }
}
