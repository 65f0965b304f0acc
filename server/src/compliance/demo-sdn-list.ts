/**
 * The demo sanctions list shipped with the project, in the OFAC SDN CSV format (sdn.csv,
 * alt.csv, add.csv: no header, `-0-` for empty). Every party here is invented; the list exists
 * so that screening works out of the box and tests have known names. Real lists load from
 * SANCTIONS_LIST_DIR.
 */
export const DEMO_SDN = {
  sdn: `90001,"MORALES PEREZ, José Antonio",individual,"SDNTK] [ILLICIT-DRUGS",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 12 Mar 1968; POB Ciudad Ficticia; nationality Demoland; Demo entry."
90002,"MÜLLER, Jürgen Friedrich",individual,"DEMO-CYBER",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 01 Jan 1975; Demo entry."
90003,"ORINOCO SHIPPING CO., LTD.",-0-,"DEMO-SHIPPING",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Demo entry."
90004,"AL-FAKHIR, Khalid Mahmoud",individual,"SDGT",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"DOB 1971; Demo entry."
90005,"NORTHWIND VOYAGER",vessel,"DEMO-SHIPPING",-0-,"9VDM1","Cargo",12000,-0-,"Demoland",-0-,"Demo entry."
90006,"SØRENSEN, Ærik",individual,"DEMO-CYBER",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Demo entry."
90007,"O'CONNELL-VANCE, Mary Margaret",individual,"DEMO-FRAUD",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Demo entry, ""quoted"" remark."
90008,"ZHANG, Wei Ming",individual,"DEMO-PROLIF",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Demo entry."
90009,"GREYHARBOR MIXING SERVICE",-0-,"DEMO-CYBER",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"Digital Currency Address - ETH 0x7e57000000000000000000000000000000d3a0; alt. Digital Currency Address - XBT 1DemoXbtAddressNotReal00000000000; Demo entry."
`,
  alt: `90001,9101,"aka","PEREZ, Pepe",-0-
90001,9102,"aka","EL CONTADOR",-0-
90002,9103,"aka","MUELLER, Juergen",-0-
90004,9104,"aka","AL FAKIR, Khaled",-0-
90004,9105,"fka","FAKHIR, Abu Khalid",-0-
90003,9106,"aka","ORINOCO MARITIME LIMITED",-0-
`,
  add: `90001,9201,-0-,"Ciudad Ficticia","Demoland",-0-
90003,9202,"1 Harbour Road","Port Example","Demoland",-0-
90004,9203,-0-,-0-,"Iran",-0-
`,
};
