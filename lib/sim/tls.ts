/**
 * A throwaway CA and a server certificate for the built-in cluster, made at start-up. RSA keys
 * come from node:crypto (fast, native); node-forge builds and signs the X.509 certificates.
 */
import { generateKeyPair, type KeyObject, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface ClusterTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

type Pair = { priv: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey; keyPem: string };

function toForge(privateKey: KeyObject, publicKey: KeyObject): Pair {
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const pubPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    priv: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    pub: forge.pki.publicKeyFromPem(pubPem) as forge.pki.rsa.PublicKey,
    keyPem,
  };
}

function serial(): string {
  // Positive: clear the top bit.
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f;
  return b.toString('hex');
}

function rsaPair(): Promise<Pair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(toForge(privateKey, publicKey));
    });
  });
}

/** Makes a CA and a server certificate for 127.0.0.1, ::1 and localhost (plus extra hosts). */
export async function generateClusterTls(extraHosts: string[] = []): Promise<ClusterTls> {
  // Both keys at once, on libuv's thread pool.
  const [ca, srv] = await Promise.all([rsaPair(), rsaPair()]);
  const now = new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.pub;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = notBefore;
  caCert.validity.notAfter = notAfter;
  const caSubject = [{ name: 'commonName', value: 'sidecar-fleet-sim-ca' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.priv, forge.md.sha256.create());

  const cert = forge.pki.createCertificate();
  cert.publicKey = srv.pub;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caSubject);
  const altNames: Array<{ type: number; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 2, value: 'kubernetes' },
    { type: 2, value: 'kubernetes.default' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  for (const h of extraHosts) {
    if (/^[\d.]+$/.test(h) || h.includes(':')) altNames.push({ type: 7, ip: h });
    else altNames.push({ type: 2, value: h });
  }
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(ca.priv, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: srv.keyPem,
  };
}
