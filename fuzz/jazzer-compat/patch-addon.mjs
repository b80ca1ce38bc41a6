// Makes Jazzer.js's prebuilt addon loadable where glibc is older than 2.38: unversions the
// few symbols it takes from newer glibc and libstdc++ (shim.c beside this file defines them)
// and marks those version requirements weak, so that the loader does not refuse the file.
//
//   node fuzz/jazzer-compat/patch-addon.mjs path/to/fuzzer-linux-x64.node
import { readFileSync, writeFileSync } from "node:fs";

const SYMBOLS = new Set(["__isoc23_strtol", "__isoc23_strtoul", "_ZSt21ios_base_library_initv"]);
const VERSIONS = new Set(["GLIBC_2.38", "GLIBCXX_3.4.32"]);
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;
const VER_NDX_GLOBAL = 1;
const VER_FLG_WEAK = 2;

const [file] = process.argv.slice(2);
const elf = readFileSync(file);
if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1)
  throw new Error(`${file} is not a 64-bit little-endian ELF file`);

// Section headers: type, file offset, size, linked section.
const headerOffset = Number(elf.readBigUInt64LE(0x28));
const headerSize = elf.readUInt16LE(0x3a);
const sections = Array.from({ length: elf.readUInt16LE(0x3c) }, (_, index) => {
  const at = headerOffset + index * headerSize;
  return {
    type: elf.readUInt32LE(at + 4),
    offset: Number(elf.readBigUInt64LE(at + 24)),
    size: Number(elf.readBigUInt64LE(at + 32)),
    link: elf.readUInt32LE(at + 40),
  };
});
const section = (type) => sections.find((candidate) => candidate.type === type);
const stringAt = (table, offset) => {
  const start = table.offset + offset;
  return elf.toString("latin1", start, elf.indexOf(0, start));
};

// Point each listed symbol's version entry at "global": no version required.
const dynsym = section(SHT_DYNSYM);
const versym = section(SHT_GNU_VERSYM);
let symbols = 0;
for (let index = 0; index < dynsym.size / 24; index++) {
  if (SYMBOLS.has(stringAt(sections[dynsym.link], elf.readUInt32LE(dynsym.offset + index * 24)))) {
    elf.writeUInt16LE(VER_NDX_GLOBAL, versym.offset + index * 2);
    symbols++;
  }
}

// Mark the listed version requirements weak: a missing weak version is not fatal.
const verneed = section(SHT_GNU_VERNEED);
let versions = 0;
for (let need = verneed.offset; ; ) {
  let aux = need + elf.readUInt32LE(need + 8);
  for (let count = elf.readUInt16LE(need + 2); count > 0; count--) {
    if (VERSIONS.has(stringAt(sections[verneed.link], elf.readUInt32LE(aux + 8)))) {
      elf.writeUInt16LE(elf.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
      versions++;
    }
    aux += elf.readUInt32LE(aux + 12);
  }
  const next = elf.readUInt32LE(need + 12);
  if (next === 0) break;
  need += next;
}

writeFileSync(file, elf);
console.log(`patched ${file}: ${symbols} symbols unversioned, ${versions} version requirements weakened`);
