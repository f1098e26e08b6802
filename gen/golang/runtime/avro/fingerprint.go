package avro

// crc64Empty is the CRC-64-AVRO seed from the Avro specification.
const crc64Empty = 0xc15d213aa4d7a795

var crc64Table = func() (t [256]uint64) {
	for i := range t {
		fp := uint64(i)
		for j := 0; j < 8; j++ {
			fp = (fp >> 1) ^ (crc64Empty & -(fp & 1))
		}
		t[i] = fp
	}
	return t
}()

// Fingerprint64 returns the CRC-64-AVRO (Rabin) fingerprint of data,
// normally a schema's Parsing Canonical Form.
func Fingerprint64(data []byte) uint64 {
	fp := uint64(crc64Empty)
	for _, c := range data {
		fp = (fp >> 8) ^ crc64Table[byte(fp)^c]
	}
	return fp
}
