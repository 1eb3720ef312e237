package io.rampart.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerbatimPathConnectionFactoryTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "/b/../../x            | /_/_/b/../../x",
                "/b/./a/..             | /_/b/./a/..",
                "/b/a..b/.hidden/...   | /b/a..b/.hidden/...",
                "/b/x?prefix=../y      | /b/x?prefix=../y",
                "/b/..?prefix=../..    | /_/b/..?prefix=../..",
                "/..                   | /_/..",
                "/                     | /",
                "/b/key.txt            | /b/key.txt",
                "*                     | *",
            })
    void onlyPathsWithDotDotSegmentsArePadded(String in, String out) {
        assertThat(VerbatimPathConnectionFactory.padded(in.trim())).isEqualTo(out.trim());
    }
}
