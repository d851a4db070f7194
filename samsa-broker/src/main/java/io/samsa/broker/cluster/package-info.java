/**
 * This broker's identity and the cluster as clients are told about it ({@code ClusterView}: brokers, their
 * advertised endpoints, controller, coordinators). Handlers ask here rather than use this node's id inline, so a
 * multi-broker metadata image changes one class, not every handler.
 */
package io.samsa.broker.cluster;
