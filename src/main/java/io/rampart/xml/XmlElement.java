package io.rampart.xml;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A parsed request body: a tiny immutable element tree. Parsing refuses DTDs and external entities (no XXE), keeps
 * text verbatim (object keys may hold leading spaces or newlines) and ignores namespaces, as S3 does.
 */
public record XmlElement(String name, String text, List<XmlElement> children) {

    private static final XMLInputFactory FACTORY = newFactory();

    private static XMLInputFactory newFactory() {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    /** Thrown for any document that is not well-formed; callers answer MalformedXML. */
    public static final class MalformedXmlException extends Exception {
        public MalformedXmlException(String message) {
            super(message);
        }
    }

    public static XmlElement parse(byte[] body) throws MalformedXmlException {
        if (body.length == 0) throw new MalformedXmlException("empty body");
        XMLStreamReader r = null;
        try {
            r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.DTD) throw new MalformedXmlException("DTD not allowed");
                if (ev == XMLStreamConstants.START_ELEMENT) return read(r);
            }
            throw new MalformedXmlException("no root element");
        } catch (XMLStreamException | RuntimeException e) {
            throw new MalformedXmlException(String.valueOf(e.getMessage()));
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    /* nothing to release */
                }
            }
        }
    }

    private static XmlElement read(XMLStreamReader r) throws XMLStreamException, MalformedXmlException {
        String name = r.getLocalName();
        StringBuilder text = new StringBuilder();
        List<XmlElement> kids = new ArrayList<>();
        while (r.hasNext()) {
            int ev = r.next();
            switch (ev) {
                case XMLStreamConstants.START_ELEMENT -> kids.add(read(r));
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                    text.append(r.getText());
                case XMLStreamConstants.ENTITY_REFERENCE ->
                    throw new MalformedXmlException("entity references not allowed");
                case XMLStreamConstants.DTD -> throw new MalformedXmlException("DTD not allowed");
                case XMLStreamConstants.END_ELEMENT -> {
                    return new XmlElement(name, text.toString(), List.copyOf(kids));
                }
                default -> {}
            }
        }
        throw new MalformedXmlException("unterminated element " + name);
    }

    public Optional<XmlElement> child(String childName) {
        for (XmlElement c : children) if (c.name.equals(childName)) return Optional.of(c);
        return Optional.empty();
    }

    public List<XmlElement> all(String childName) {
        List<XmlElement> out = new ArrayList<>();
        for (XmlElement c : children) if (c.name.equals(childName)) out.add(c);
        return out;
    }

    /** Text of a child element, or empty when absent. */
    public Optional<String> childText(String childName) {
        return child(childName).map(XmlElement::text);
    }
}
