//! A DNS server on 127.0.0.1 for the tests (UDP, a fixed table of SRV records; every other
//! question gets "no such name"), so SRV checks are tested against real DNS answers. lifeline
//! is pointed at it with `LIFELINE_DNS_SERVER`.

use std::net::{SocketAddr, UdpSocket};

use hickory_resolver::proto::op::{Message, ResponseCode};
use hickory_resolver::proto::rr::rdata::SRV;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

/// One SRV record: owner name (`*`: any name), priority, weight, port, target.
pub type SrvRecord = (&'static str, u16, u16, u16, &'static str);

/// A running test DNS server; it answers until the test process ends.
pub struct TestDns {
    pub addr: SocketAddr,
}

impl TestDns {
    pub fn start(records: &[SrvRecord]) -> TestDns {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the test DNS server");
        let addr = socket.local_addr().expect("its address");
        let records: Vec<SrvRecord> = records.to_vec();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok((n, from)) = socket.recv_from(&mut buf) {
                if let Some(reply) = answer(&buf[..n], &records) {
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

fn answer(bytes: &[u8], records: &[SrvRecord]) -> Option<Vec<u8>> {
    let query = Message::from_vec(bytes).ok()?;
    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
    reply.metadata.authoritative = true;
    reply.metadata.recursion_desired = query.metadata.recursion_desired;
    reply.metadata.recursion_available = true;
    for q in &query.queries {
        reply.add_query(q.clone());
        if q.query_type() != RecordType::SRV {
            continue;
        }
        let asked = q
            .name()
            .to_ascii()
            .trim_end_matches('.')
            .to_ascii_lowercase();
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
