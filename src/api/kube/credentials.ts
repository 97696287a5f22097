/**
 * Kubeconfigs for `listClusterUserCredential` / `listClusterAdminCredential`, shaped as AKS
 * returns them (reference/aks-api.md §7: cluster and context named after the cluster, user
 * `clusterUser_{rg}_{cluster}` / `clusterAdmin_{rg}_{cluster}`, admin context `{cluster}-admin`),
 * with a client certificate signed by the platform CA whose subject binds it to one cluster:
 * O=`cluster:{resourceUID}`. The Kubernetes face accepts a certificate only on its own cluster.
 */
import { stringify } from 'yaml';
import type { KubeconfigIssuer } from '../arm/routes/deps.js';
import { issueLeaf, type CertificateAuthority } from '../tls.js';

export const CLUSTER_ORG_PREFIX = 'cluster:';

export function kubeconfigIssuer(ca: CertificateAuthority): KubeconfigIssuer {
  return {
    async kubeconfig(o) {
      const user = `${o.admin ? 'clusterAdmin' : 'clusterUser'}_${o.resourceGroup}_${o.clusterName}`;
      const context = o.admin ? `${o.clusterName}-admin` : o.clusterName;
      const cert = issueLeaf(ca, {
        subject: [
          ['O', `${CLUSTER_ORG_PREFIX}${o.clusterUid}`],
          ['O', o.admin ? 'system:masters' : 'system:authenticated'],
          ['CN', o.admin ? 'masterclient' : 'clusterUser'],
        ],
        client: true,
      });
      return stringify({
        apiVersion: 'v1',
        clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(ca.certPem).toString('base64'), server: o.serverUrl }, name: o.clusterName }],
        contexts: [{ context: { cluster: o.clusterName, user }, name: context }],
        'current-context': context,
        kind: 'Config',
        preferences: {},
        users: [{ name: user, user: { 'client-certificate-data': Buffer.from(cert.certPem).toString('base64'), 'client-key-data': Buffer.from(cert.keyPem).toString('base64') } }],
      });
    },
  };
}
