/**
 * The cluster as clients are told about it, read from the metadata image: {@code ClusterView} (live brokers at
 * their endpoints for the request's listener, racks, the active controller, coordinators), which brokers count
 * as alive ({@code BrokerLiveness}), and this broker's registration ({@code LocalBrokerRegistration}: every
 * advertised listener and its rack). Handlers ask here rather than use this node's id inline.
 */
package io.samsa.broker.cluster;
