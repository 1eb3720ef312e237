package io.rampart.detect;

import static io.rampart.detect.Events.copyInPlace;
import static io.rampart.detect.Events.s3;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shapes people export CloudTrail in, and the time formats they carry, are read record for record; what cannot be
 * read is reported with its reason and fails the run unless --allow-skips.
 */
class ExportShapesTest {
    @TempDir
    Path dir;

    private static List<String> rules(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("findings").forEach(f -> out.add(f.path("rule").asText()));
        return out;
    }

    /** {@code aws cloudtrail lookup-events} output: each event's record is a JSON string in CloudTrailEvent. */
    static ObjectNode lookupEvents(List<Events.E> events) throws Exception {
        ObjectNode doc = Events.JSON.createObjectNode();
        ArrayNode list = doc.putArray("Events");
        for (Events.E e : events) {
            ObjectNode ev = list.addObject();
            ev.put("EventId", e.json().path("eventID").asText());
            ev.put("EventName", e.json().path("eventName").asText());
            ev.put("ReadOnly", "false");
            ev.put(
                    "AccessKeyId",
                    e.json().path("userIdentity").path("accessKeyId").asText());
            ev.put("EventTime", e.json().path("eventTime").asText().replace("Z", "+00:00"));
            ev.put("EventSource", "s3.amazonaws.com");
            ev.put("Username", "analyst");
            ev.putArray("Resources")
                    .addObject()
                    .put("ResourceType", "AWS::S3::Bucket")
                    .put("ResourceName", "victim");
            ev.put("CloudTrailEvent", Events.JSON.writeValueAsString(e.json()));
        }
        doc.put("NextToken", "eyJOZXh0VG9rZW4iOiBudWxsfQ==");
        return doc;
    }

    @Test
    void lookupEventsOutputIsOneRecordPerEvent() throws Exception {
        List<Events.E> es = new ArrayList<>();
        for (int i = 0; i < 309; i++) es.add(s3("GetObject", "victim", "k" + i, i));
        es.add(copyInPlace("victim", "k1", 400).sseC());
        Files.writeString(dir.resolve("lookup.json"), Events.JSON.writeValueAsString(lookupEvents(es)));
        DetectCommandTest.Run r = DetectCommandTest.detect(
                "--cloudtrail", dir.resolve("lookup.json").toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = Events.JSON.readTree(r.out());
        assertThat(doc.path("records").asLong()).isEqualTo(310);
        assertThat(doc.path("skipped").asLong()).isZero();
        assertThat(rules(doc)).contains("in-place-sse-c-reencryption");

        // The Events list saved on its own (a JSON array of lookup-events entries) reads the same.
        Files.writeString(
                dir.resolve("events.json"),
                Events.JSON.writeValueAsString(lookupEvents(es).get("Events")));
        r = DetectCommandTest.detect("--cloudtrail", dir.resolve("events.json").toString(), "--json");
        assertThat(Events.JSON.readTree(r.out()).path("records").asLong()).isEqualTo(310);
    }

    @Test
    void timestampRenamedPantherTimesAndOffsetsAreRead() throws Exception {
        Events.E elastic = copyInPlace("victim", "a", 0).sseC();
        String t = elastic.json().path("eventTime").asText();
        ((ObjectNode) elastic.json()).remove("eventTime");
        ((ObjectNode) elastic.json()).put("@timestamp", t);
        Events.E panther = copyInPlace("victim2", "b", 10).sseC().user("p", "AKIAPANTHEREXAMPLE01");
        ((ObjectNode) panther.json()).put("eventTime", "2025-01-13 09:00:10.000000000");
        ((ObjectNode) panther.json()).put("p_event_time", "2025-01-13 09:00:10.000000000");
        Events.E pOnly = copyInPlace("victim3", "c", 20).sseC().user("q", "AKIAPONLYEXAMPLE0001");
        ((ObjectNode) pOnly.json()).remove("eventTime");
        ((ObjectNode) pOnly.json()).put("p_event_time", "2025-01-13 09:00:20.123");
        Events.E offset = copyInPlace("victim4", "d", 30).sseC().user("o", "AKIAOFFSETEXAMPLE001");
        ((ObjectNode) offset.json()).put("eventTime", "2025-01-13T10:00:30+01:00");
        DetectCommandTest.jsonLines(dir.resolve("siem.jsonl"), List.of(elastic, panther, pOnly, offset));
        DetectCommandTest.Run r = DetectCommandTest.detect("--cloudtrail", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = Events.JSON.readTree(r.out());
        assertThat(doc.path("records").asLong()).isEqualTo(4);
        List<String> buckets = new ArrayList<>();
        doc.path("findings").forEach(f -> {
            if (f.path("rule").asText().equals("in-place-sse-c-reencryption"))
                buckets.add(f.path("bucket").asText());
        });
        assertThat(buckets).containsExactlyInAnyOrder("victim", "victim2", "victim3", "victim4");
        assertThat(EventTimes.parse("2025-01-13 09:00:10.000000000"))
                .isEqualTo(Events.T0.plusSeconds(10).toEpochMilli());
        assertThat(EventTimes.parse("2025-01-13T10:00:30+01:00"))
                .isEqualTo(Events.T0.plusSeconds(30).toEpochMilli());
        assertThat(EventTimes.parse("2025-01-13T09:00:00.250Z")).isEqualTo(Events.T0.toEpochMilli() + 250);
    }

    @Test
    void skippedRecordsAreReportedWithTheirReasonAndFailTheRunUnlessAllowed() throws Exception {
        Events.E good = copyInPlace("victim", "a", 0).sseC();
        Events.E noTime = s3("DeleteObject", "victim", "b", 1);
        ((ObjectNode) noTime.json()).remove("eventTime");
        Events.E badTime = s3("DeleteObject", "victim", "c", 2);
        ((ObjectNode) badTime.json()).put("eventTime", "yesterday");
        ObjectNode doc = Events.JSON.createObjectNode();
        ArrayNode records = doc.putArray("Records");
        records.add(good.json());
        records.add(noTime.json());
        records.add(badTime.json());
        records.add("not a record");
        Files.writeString(dir.resolve("mixed.json"), Events.JSON.writeValueAsString(doc));
        ObjectNode lookup = lookupEvents(List.of(s3("GetObject", "victim", "d", 3)));
        ((ObjectNode) lookup.path("Events").get(0)).put("CloudTrailEvent", "{broken");
        Files.writeString(dir.resolve("lookup.json"), Events.JSON.writeValueAsString(lookup));

        DetectCommandTest.Run r = DetectCommandTest.detect("--cloudtrail", dir.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        JsonNode out = Events.JSON.readTree(r.out());
        assertThat(out.path("records").asLong()).isEqualTo(1);
        assertThat(out.path("skipped").asLong()).isEqualTo(4);
        assertThat(out.path("skipReasons").path("no event time").asLong()).isEqualTo(1);
        assertThat(out.path("skipReasons").path("unreadable eventTime").asLong())
                .isEqualTo(1);
        assertThat(out.path("skipReasons").path("not a JSON object").asLong()).isEqualTo(1);
        assertThat(out.path("skipReasons")
                        .path("CloudTrailEvent is not a JSON object")
                        .asLong())
                .isEqualTo(1);
        assertThat(out.path("skipExamples").toString()).contains("mixed.json#2: no event time", "'yesterday'");
        assertThat(rules(out)).contains("in-place-sse-c-reencryption");
        assertThat(r.err()).contains("4 record(s) skipped", "--allow-skips");

        r = DetectCommandTest.detect("--cloudtrail", dir.toString(), "--allow-skips");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("4 record(s) skipped");
    }

    /** An Athena query result over the CloudTrail table: structs in Athena's rendering, JSON text, quoted cells. */
    @Test
    void athenaCsvExportIsRead() throws Exception {
        String header = "\"eventversion\",\"useridentity\",\"eventtime\",\"eventsource\",\"eventname\",\"awsregion\","
                + "\"sourceipaddress\",\"useragent\",\"errorcode\",\"errormessage\",\"requestparameters\",\"responseelements\","
                + "\"additionaleventdata\",\"requestid\",\"eventid\",\"resources\",\"eventtype\",\"readonly\",\"recipientaccountid\"\n";
        StringBuilder csv = new StringBuilder("\uFEFF").append(header);
        for (int i = 0; i < 3; i++) {
            String params = "{\"bucketName\":\"victim\",\"Host\":\"victim.s3.amazonaws.com\",\"key\":\"k" + i + "\","
                    + "\"x-amz-copy-source\":\"victim/k" + i
                    + "\",\"x-amz-server-side-encryption-customer-algorithm\":\"AES256\"}";
            csv.append(String.join(
                            ",",
                            List.of(
                                    "\"1.09\"",
                                    q(
                                            "{type=IAMUser, principalid=AIDAEXAMPLE, arn=arn:aws:iam::111122223333:user/etl, accountid=111122223333, "
                                                    + "invokedby=null, accesskeyid=AKIAETLEXAMPLE000001, username=etl, sessioncontext=null}"),
                                    q("2025-01-13T09:00:0" + i + "Z"),
                                    q("s3.amazonaws.com"),
                                    q("CopyObject"),
                                    q("us-east-1"),
                                    q("203.0.113.66"),
                                    q("[aws-cli/2.18.5 md/command#s3api.copy-object]"),
                                    "",
                                    "",
                                    q(params),
                                    q("null"),
                                    q("{\"SSEApplied\":\"SSE_C\",\"SignatureVersion\":\"SigV4\"}"),
                                    q("REQ" + i),
                                    q("ev-" + i),
                                    q(
                                            "[{arn=arn:aws:s3:::victim/k" + i
                                                    + ", accountid=null, type=AWS::S3::Object}, "
                                                    + "{arn=arn:aws:s3:::victim, accountid=111122223333, type=AWS::S3::Bucket}]"),
                                    q("AwsApiCall"),
                                    q("false"),
                                    q("111122223333"))))
                    .append("\r\n");
        }
        Files.writeString(dir.resolve("athena.csv"), csv.toString());
        DetectCommandTest.Run r = DetectCommandTest.detect(
                "--cloudtrail", dir.resolve("athena.csv").toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode doc = Events.JSON.readTree(r.out());
        assertThat(doc.path("records").asLong()).isEqualTo(3);
        JsonNode f = null;
        for (JsonNode x : doc.path("findings"))
            if (x.path("rule").asText().equals("in-place-sse-c-reencryption")) f = x;
        assertThat(f).as(r.out()).isNotNull();
        assertThat(f.path("count").asLong()).isEqualTo(3);
        assertThat(f.path("principal").asText()).isEqualTo("arn:aws:iam::111122223333:user/etl");
        assertThat(f.path("accessKeyId").asText()).isEqualTo("AKIAETLEXAMPLE000001");
        assertThat(f.path("bucket").asText()).isEqualTo("victim");
    }

    private static String q(String s) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }
}
