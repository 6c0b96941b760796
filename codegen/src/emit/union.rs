//! Unions: a Rust enum with one variant per member plus `Unknown`; exactly one member on the
//! wire, `__type` ignored.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{deprecated_attr, docs_or, ident, ty, REDACTED};
use crate::plan::UnionDef;

/// The enum and its serde impls.
pub fn emit(u: &UnionDef) -> TokenStream {
    let name = ident(&u.name);
    let label = u.name.clone();
    let docs = docs_or(&u.docs, &format!("The `{}` union.", u.shape_id));
    let deprecated = deprecated_attr(&u.deprecated);
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdocs = docs_or(&v.docs, &format!("The `{}` member.", v.member_name));
        let dep = deprecated_attr(&v.deprecated);
        match &v.ty {
            None => quote! { #vdocs #dep #vname, },
            Some(t) => {
                let t = ty(t);
                let t = if v.boxed {
                    quote! { Box<#t> }
                } else {
                    t
                };
                quote! { #vdocs #dep #vname(#t), }
            }
        }
    });
    let is_methods = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let is = ident(&v.is_method);
        let doc = format!(" Whether this is [`{}::{}`].", u.name, v.name);
        let pattern = if v.ty.is_some() {
            quote! { Self::#vname(_) }
        } else {
            quote! { Self::#vname }
        };
        quote! {
            #[doc = #doc]
            pub fn #is(&self) -> bool {
                matches!(self, #pattern)
            }
        }
    });
    let ser_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = v.binding.wire_name();
        if v.ty.is_some() {
            quote! { Self::#vname(value) => map.serialize_entry(#wire, value)?, }
        } else {
            quote! { Self::#vname => map.serialize_entry(#wire, &serde_json::Map::new())?, }
        }
    });
    let de_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = v.binding.wire_name();
        if v.ty.is_some() {
            quote! { #wire => Self::#vname(serde_json::from_value(value).map_err(serde::de::Error::custom)?), }
        } else {
            quote! { #wire => Self::#vname, }
        }
    });
    let debug_impl = u.sensitive.then(|| {
        quote! {
            impl std::fmt::Debug for #name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    write!(f, "{}({})", #label, #REDACTED)
                }
            }
        }
    });
    let debug_derive = if u.sensitive {
        quote! {}
    } else {
        quote! { Debug, }
    };
    let unknown_doc = " A member this version of the client does not know. Sending it is an error.";
    // Variants hold the member values unboxed, as the model shapes them (and as aws-sdk-rust
    // does); a union with one large member (ssm's `NodeType`) would trip this lint.
    quote! {
        #docs
        #deprecated
        #[non_exhaustive]
        #[allow(clippy::large_enum_variant)]
        #[derive(Clone, PartialEq, #debug_derive)]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            Unknown,
        }

        impl #name {
            #(#is_methods)*
            /// Whether this is a member this version of the client does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown)
            }
        }

        #debug_impl

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(Some(1))?;
                match self {
                    #(#ser_arms)*
                    Self::Unknown => return Err(serde::ser::Error::custom(concat!("cannot send an unknown ", #label, " member"))),
                }
                map.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (key, value) = ::aws_client_runtime::serde_fmt::union_member(deserializer, #label)?;
                Ok(match key.as_str() {
                    #(#de_arms)*
                    _ => Self::Unknown,
                })
            }
        }
    }
}
