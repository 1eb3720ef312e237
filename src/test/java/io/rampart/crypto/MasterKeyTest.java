package io.rampart.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
    @TempDir
    Path dir;

    @Test
    void keyFileIsCreatedOwnerOnlyAndReusedOnNextLoad() throws Exception {
        Path file = dir.resolve("master.key");
        MasterKey first = MasterKey.load(null, file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] sealed = first.seal("secret".getBytes(StandardCharsets.UTF_8), "ctx");
        MasterKey again = MasterKey.load(null, file);
        assertThat(new String(again.unseal(sealed, "ctx"), StandardCharsets.UTF_8))
                .isEqualTo("secret");
    }

    @Test
    void sealedValueDoesNotContainThePlaintextAndIsBoundToItsContext() throws Exception {
        MasterKey k = MasterKey.load(null, dir.resolve("k"));
        byte[] sealed = k.seal("wJalrXUtnFEMI/K7MDENG".getBytes(StandardCharsets.UTF_8), "access-key:A");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("wJalrXUtnFEMI");
        assertThatThrownBy(() -> k.unseal(sealed, "access-key:B")).isInstanceOf(IllegalArgumentException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> k.unseal(sealed, "access-key:A")).isInstanceOf(IllegalArgumentException.class);
    }
}
