//! A DNS server on 127.0.0.1 for the tests (UDP, a fixed table of SRV records and of A records
//! by domain suffix; every other question gets "no such name"), so DNS checks are tested
//! against real DNS answers. lifeline is pointed at it with `LIFELINE_DNS_SERVER`.

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, SRV};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

/// One SRV record: owner name (`*`: any name), priority, weight, port, target.
pub type SrvRecord = (&'static str, u16, u16, u16, &'static str);

/// Names ending in this suffix (`.fabrikam.com`) have this address.
pub type ARecords = (&'static str, Ipv4Addr);

/// A running test DNS server; it answers until the test process ends.
pub struct TestDns {
    pub addr: SocketAddr,
}

impl TestDns {
    /// Answers SRV questions from `records`, A questions for the names under each suffix of
    /// `hosts`.
    pub fn start(records: &[SrvRecord], hosts: &[ARecords]) -> TestDns {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the test DNS server");
        let addr = socket.local_addr().expect("its address");
        let records: Vec<SrvRecord> = records.to_vec();
        let hosts: Vec<ARecords> = hosts.to_vec();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok((n, from)) = socket.recv_from(&mut buf) {
                if let Some(reply) = answer(&buf[..n], &records, &hosts) {
                    let _ = socket.send_to(&reply, from);
                }
            }
        });
        TestDns { addr }
    }

    /// The environment entry that sends lifeline's DNS checks here.
    pub fn env(&self) -> (&'static str, String) {
        ("LIFELINE_DNS_SERVER", self.addr.to_string())
    }
}

fn answer(bytes: &[u8], records: &[SrvRecord], hosts: &[ARecords]) -> Option<Vec<u8>> {
    let query = Message::from_vec(bytes).ok()?;
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    for q in &query.queries {
        reply.add_query(q.clone());
        let asked = q
            .name()
            .to_ascii()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if q.query_type() == RecordType::A {
            for (suffix, ip) in hosts {
                if asked.ends_with(suffix) {
                    let a = RData::A(A(*ip));
                    reply.add_answer(Record::from_rdata(q.name().clone(), 60, a));
                }
            }
            continue;
        }
        if q.query_type() != RecordType::SRV {
            continue;
        }
        for (owner, priority, weight, port, target) in records {
            if *owner == "*" || owner.eq_ignore_ascii_case(&asked) {
                let target = Name::from_ascii(format!("{target}.")).ok()?;
                let srv = SRV::new(*priority, *weight, *port, target);
                reply.add_answer(Record::from_rdata(q.name().clone(), 60, RData::SRV(srv)));
            }
        }
    }
    if reply.answers.is_empty() {
        reply.metadata.response_code = ResponseCode::NXDomain;
    }
    reply.to_vec().ok()
}
