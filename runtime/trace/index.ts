export { encodePcap, PcapAddressError, PcapEncoder, PcapFileWriter } from './pcap-writer.js';
export type { PcapEndpoint, PcapPacket } from './pcap-writer.js';
