package io.rampart.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlElementTest {

    @Test
    void externalEntitiesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Delete><Object><Key>&x;</Key></Object></Delete>";
        assertThatThrownBy(() -> XmlElement.parse(xxe.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(XmlElement.MalformedXmlException.class);
    }

    @Test
    void billionLaughsIsRefused() {
        String bomb =
                "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><T>&b;</T>";
        assertThatThrownBy(() -> XmlElement.parse(bomb.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(XmlElement.MalformedXmlException.class);
    }

    @Test
    void textIsKeptVerbatimIncludingSurroundingWhitespace() throws Exception {
        XmlElement e = XmlElement.parse(
                "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key> a\nb </Key></Object><Object><Key>c&amp;d</Key></Object></Delete>"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(e.name()).isEqualTo("Delete");
        assertThat(e.all("Object"))
                .extracting(o -> o.childText("Key").orElseThrow())
                .containsExactly(" a\nb ", "c&d");
    }

    @Test
    void writerEscapesMarkupAndControlCharacters() {
        String xml =
                new XmlWriter().start("R").element("Key", "<a&b>\"'\r").end().toString();
        assertThat(xml).contains("<Key>&lt;a&amp;b&gt;\"'&#13;</Key>");
    }
}
