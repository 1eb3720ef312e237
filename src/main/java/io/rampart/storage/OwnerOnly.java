package io.rampart.storage;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * What the server writes to disk is its owner's only, whatever the umask: files 0600, directories 0700 (on file systems
 * without POSIX permissions, the platform's defaults).
 */
public final class OwnerOnly {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<?>[] NONE = new FileAttribute<?>[0];

    private OwnerOnly() {}

    /** For a file being created: 0600. */
    public static FileAttribute<?>[] file() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : NONE;
    }

    /** For a directory being created: 0700. */
    public static FileAttribute<?>[] directory() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)} : NONE;
    }

    /** Narrows an existing directory to 0700 (a data directory made before, or by someone else's mkdir). */
    public static void restrictDirectory(Path dir) throws IOException {
        if (POSIX) Files.setPosixFilePermissions(dir, DIR);
    }

    /** Narrows an existing file to 0600. */
    public static void restrictFile(Path file) throws IOException {
        if (POSIX && Files.exists(file)) Files.setPosixFilePermissions(file, FILE);
    }
}
