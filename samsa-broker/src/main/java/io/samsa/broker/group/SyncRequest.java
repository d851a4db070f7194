package io.samsa.broker.group;

import java.util.Map;

/** A SyncGroup: from the leader it carries every member's assignment; from the others none. */
public record SyncRequest(String groupId, int generationId, String memberId, String groupInstanceId,
                          String protocolType, String protocolName, Map<String, byte[]> assignments) {
}
