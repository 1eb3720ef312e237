package io.rampart.s3;

import io.rampart.xml.XmlElement;

/** A request body that must be one XML document with a given root element; anything else is MalformedXML. */
final class RequestXml {
    private RequestXml() {}

    static XmlElement parse(byte[] body, String rootName) {
        XmlElement root;
        try {
            root = XmlElement.parse(body);
        } catch (XmlElement.MalformedXmlException e) {
            throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        }
        if (!root.name().equals(rootName)) throw new S3Exception(S3ErrorCode.MALFORMED_XML);
        return root;
    }
}
