package io.rampart.storage;

import java.util.List;

/**
 * One page of a listing, in key order. {@code entries} and {@code commonPrefixes} together hold at most max-keys items;
 * {@code nextMarker} is the last key or prefix returned when the page is truncated.
 */
public record ListPage<T>(List<T> entries, List<String> commonPrefixes, boolean truncated, String nextMarker) {}
