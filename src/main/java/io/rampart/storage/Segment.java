package io.rampart.storage;

/** One stored piece of an object's data: a whole blob of {@code length} bytes. Multipart objects have one per part. */
public record Segment(String blob, long length) {}
