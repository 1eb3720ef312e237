package io.rampart.s3;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of a browser-based upload (POST Object) that came before its file, in order and as named, with the file
 * part's filename. Field names are matched case-insensitively, as S3 does; the file itself is the
 * request body the call streams.
 */
public record PostForm(List<Field> fields, String fileName) {

    public PostForm {
        fields = List.copyOf(fields);
        fileName = fileName == null ? "" : fileName;
    }

    /** One form field: its name as sent and its value. */
    public record Field(String name, String value) {}

    /** The first field with this name, compared case-insensitively. */
    public Optional<String> field(String name) {
        for (Field f : fields) if (f.name().equalsIgnoreCase(name)) return Optional.of(f.value());
        return Optional.empty();
    }

    /** The object key the form names: its {@code key} field with {@code ${filename}} replaced by the file's name. */
    public Optional<String> objectKey() {
        return field("key").map(k -> k.replace("${filename}", fileName));
    }

    static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
